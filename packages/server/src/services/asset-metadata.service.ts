import { SkyrollError, type Asset, type AssetMetadataPatch, type HybridClock } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { AssetUpdate } from '../db/schema.js';
import type { Repositories } from '../repositories/repositories.js';
import { readAssets } from './asset.reader.js';
import type { Auth } from './auth.service.js';
import type { JournalService } from './journal.service.js';
import { stampOf, winningFields, type MetadataFields } from './lww.js';

/**
 * Favorite, hidden and caption: last writer wins per field, by hybrid-logical-clock time, so the
 * same edits made on several devices (some offline) end the same everywhere. Trashed assets keep
 * theirs and can be edited.
 */
export class AssetMetadataService {
  constructor(
    private readonly repos: Repositories,
    private readonly journal: JournalService,
    private readonly hlc: HybridClock,
    private readonly clock: Clock = Date.now,
  ) {}

  /**
   * Applies the patch to each asset, all or nothing (an unknown or foreign id: NOT_FOUND). Returns
   * every asset as it now is; journals `asset.metadata` for those whose fields changed.
   */
  async update(auth: Auth, ids: string[], patch: AssetMetadataPatch): Promise<Asset[]> {
    const unique = [...new Set(ids)];
    const { hlc, ...fields } = patch;
    const stamp = stampOf(this.hlc, hlc);
    let head: number | undefined;
    const assets = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(auth.accountId);
      const current = await trx.assets.metadataClocks(auth.accountId, unique);
      if (current.length !== unique.length) {
        const known = new Set(current.map((a) => a.id));
        throw new SkyrollError('NOT_FOUND', undefined, { assetIds: unique.filter((id) => !known.has(id)) });
      }
      const now = this.clock();
      const changed = new Set<string>();
      for (const state of current) {
        const { won, changed: seen } = winningFields(state, fields, stamp);
        if (Object.keys(won).length === 0) continue;
        await trx.assets.update(auth.accountId, state.id, { ...columnsOf(won, stamp), ...(seen ? { updated_at: now } : {}) });
        if (seen) changed.add(state.id);
      }
      const records = await trx.assets.findMany(auth.accountId, unique);
      const byId = new Map((await readAssets(trx, auth.accountId, records)).map((a) => [a.id, a]));
      const result = unique.map((id) => byId.get(id)!);
      for (const asset of result) if (changed.has(asset.id)) head = await this.journal.append(trx, auth, 'asset.metadata', asset);
      return result;
    });
    this.journal.announce(auth.accountId, head);
    return assets;
  }
}

/** The columns a winning change writes: each value with its clock. */
function columnsOf(won: MetadataFields, stamp: string): AssetUpdate {
  const update: AssetUpdate = {};
  if (won.favorite !== undefined) Object.assign(update, { favorite: won.favorite ? 1 : 0, favorite_hlc: stamp });
  if (won.hidden !== undefined) Object.assign(update, { hidden: won.hidden ? 1 : 0, hidden_hlc: stamp });
  if (won.caption !== undefined) Object.assign(update, { caption: won.caption, caption_hlc: stamp });
  return update;
}
