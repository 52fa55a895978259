import { SkyrollError, type Asset } from '@skyroll/protocol';
import type { Repositories } from '../repositories/repositories.js';
import { toAsset } from './asset.mapper.js';
import type { Auth } from './auth.service.js';
import type { JournalService } from './journal.service.js';

/**
 * Recently Deleted. Trashed assets keep counting toward the quota until purged; purging
 * (after 30 days, or "empty trash") is the seam for a later job: delete the asset, append
 * `asset.purged`, and release the blob's bytes once no asset or version references it.
 */
export class TrashService {
  constructor(
    private readonly repos: Repositories,
    private readonly journal: JournalService,
  ) {}

  trash(auth: Auth, ids: string[]): Promise<{ assets: Asset[] }> {
    return this.setTrashed(auth, ids, true);
  }

  restore(auth: Auth, ids: string[]): Promise<{ assets: Asset[] }> {
    return this.setTrashed(auth, ids, false);
  }

  async list(auth: Auth): Promise<{ assets: Asset[] }> {
    return { assets: (await this.repos.assets.listTrashed(auth.accountId)).map(toAsset) };
  }

  /** All or nothing: one unknown (or foreign) id and nothing changes. Already there = no-op. */
  private async setTrashed(auth: Auth, ids: string[], trashed: boolean): Promise<{ assets: Asset[] }> {
    const unique = [...new Set(ids)];
    let head: number | undefined;
    const assets = await this.repos.transaction(async (trx) => {
      const found = await trx.assets.findMany(auth.accountId, unique);
      if (found.length !== unique.length) {
        const known = new Set(found.map((a) => a.id));
        throw new SkyrollError('NOT_FOUND', undefined, { assetIds: unique.filter((id) => !known.has(id)) });
      }
      const byId = new Map(found.map((a) => [a.id, a]));
      const now = Date.now();
      const result: Asset[] = [];
      for (const id of unique) {
        const asset = byId.get(id)!;
        if ((asset.trashedAt !== null) === trashed) {
          result.push(toAsset(asset));
          continue;
        }
        await trx.assets.update(auth.accountId, id, { trashed_at: trashed ? now : null, updated_at: now });
        const after = toAsset({ ...asset, trashedAt: trashed ? now : null, updatedAt: now });
        head = await this.journal.append(trx, auth, trashed ? 'asset.trashed' : 'asset.restored', after);
        result.push(after);
      }
      return result;
    });
    this.journal.announce(auth.accountId, head);
    return { assets };
  }
}
