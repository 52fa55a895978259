import { SkyrollError, type Asset, type PurgeResponse } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { Repositories } from '../repositories/repositories.js';
import { derivativeKey, originalKey, type BlobStore } from '../stores/blob-store.js';
import type { AccountService } from './account.service.js';
import { readAssets } from './asset.reader.js';
import type { Auth } from './auth.service.js';
import type { JournalService } from './journal.service.js';

export const TRASH_SWEEP_JOB = 'trash.sweep';
/** Assets purged per transaction, so a huge trash never holds the write lock for long. */
const PURGE_BATCH = 200;

export interface TrashPolicy {
  retentionMs: number;
  sweepMs: number;
}

/**
 * Recently Deleted. Trashed assets keep counting toward the quota until purged: after the
 * retention (30 days), by "empty trash", or by purging chosen ones. Purging deletes the asset and
 * its versions, appends `asset.purged`, and releases an original (bytes, quota, previews) once no
 * asset or version of the account references it.
 */
export class TrashService {
  constructor(
    private readonly repos: Repositories,
    private readonly journal: JournalService,
    private readonly blobs: BlobStore,
    private readonly accounts: AccountService,
    private readonly policy: TrashPolicy,
    private readonly clock: Clock = Date.now,
  ) {}

  trash(auth: Auth, ids: string[]): Promise<{ assets: Asset[] }> {
    return this.setTrashed(auth, ids, true);
  }

  restore(auth: Auth, ids: string[]): Promise<{ assets: Asset[] }> {
    return this.setTrashed(auth, ids, false);
  }

  async list(auth: Auth): Promise<{ assets: Asset[] }> {
    return { assets: await readAssets(this.repos, auth.accountId, await this.repos.assets.listTrashed(auth.accountId)) };
  }

  /** Purges chosen assets of the trash; all or nothing: an id not in the trash → NOT_FOUND. */
  async purge(auth: Auth, ids: string[]): Promise<PurgeResponse> {
    const unique = [...new Set(ids)];
    const found = (await this.repos.assets.findMany(auth.accountId, unique)).filter((a) => a.trashedAt !== null);
    if (found.length !== unique.length) {
      const known = new Set(found.map((a) => a.id));
      throw new SkyrollError('NOT_FOUND', 'Only assets in the trash can be purged', { assetIds: unique.filter((id) => !known.has(id)) });
    }
    return this.purgeInBatches(auth.accountId, auth.deviceId, unique);
  }

  /** Purges every trashed asset of the account now. */
  async empty(auth: Auth): Promise<PurgeResponse> {
    const ids = (await this.repos.assets.listTrashed(auth.accountId)).map((a) => a.id);
    return this.purgeInBatches(auth.accountId, auth.deviceId, ids);
  }

  /** The retention sweep (a recurring job): purges what has been in the trash longer than the retention. */
  async sweep(): Promise<{ runAgainAt: number }> {
    const cutoff = this.clock() - this.policy.retentionMs;
    for (;;) {
      const expired = await this.repos.assets.listTrashedBefore(cutoff, PURGE_BATCH);
      if (expired.length === 0) break;
      const byAccount = new Map<string, string[]>();
      for (const { accountId, id } of expired) byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), id]);
      for (const [accountId, ids] of byAccount) await this.purgeInBatches(accountId, null, ids, cutoff);
    }
    return { runAgainAt: this.clock() + this.policy.sweepMs };
  }

  private async purgeInBatches(accountId: string, deviceId: string | null, ids: string[], trashedBefore?: number): Promise<PurgeResponse> {
    const total: PurgeResponse = { count: 0, freedBytes: 0 };
    for (let i = 0; i < ids.length; i += PURGE_BATCH) {
      const { count, freedBytes } = await this.purgeBatch(accountId, deviceId, ids.slice(i, i + PURGE_BATCH), trashedBefore);
      total.count += count;
      total.freedBytes += freedBytes;
    }
    if (total.count > 0) await this.accounts.announceStorage(accountId);
    return total;
  }

  /**
   * One transaction: assets and versions deleted, journal appended, unreferenced originals
   * forgotten and their bytes given back to the quota. Files are deleted after the commit, so a
   * crash can leave an orphan file behind but never a row without its file.
   */
  private async purgeBatch(accountId: string, deviceId: string | null, ids: string[], trashedBefore?: number): Promise<PurgeResponse> {
    let head: number | undefined;
    const { count, freedBytes, keys } = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(accountId);
      // Re-read under the lock: an asset restored (or re-trashed) meanwhile is left alone.
      const assets = (await trx.assets.findMany(accountId, ids)).filter(
        (a) => a.trashedAt !== null && (trashedBefore === undefined || a.trashedAt <= trashedBefore),
      );
      const purgedIds = assets.map((a) => a.id);
      const checksums = new Set([...assets.map((a) => a.checksum), ...(await trx.assets.versionChecksums(purgedIds))]);
      await trx.assets.delete(accountId, purgedIds);
      await trx.journal.forgetSnapshots(accountId, purgedIds);
      for (const id of purgedIds) head = await this.journal.appendPurged(trx, accountId, deviceId, id);
      let freed = 0;
      const unreferenced: string[] = [];
      for (const checksum of checksums) {
        if (await trx.assets.isReferenced(accountId, checksum)) continue;
        const blob = await trx.blobs.find(accountId, checksum);
        if (!blob) continue;
        if (blob.counted_at !== null) freed += blob.size;
        await trx.derivatives.deleteAll(accountId, checksum);
        await trx.blobs.delete(accountId, checksum);
        unreferenced.push(
          originalKey(accountId, checksum),
          derivativeKey(accountId, checksum, 'preview'),
          derivativeKey(accountId, checksum, 'thumbnail'),
        );
      }
      await trx.accounts.releaseUsedBytes(accountId, freed);
      return { count: purgedIds.length, freedBytes: freed, keys: unreferenced };
    });
    this.journal.announce(accountId, head);
    for (const key of keys) await this.blobs.delete(key);
    return { count, freedBytes };
  }

  /** All or nothing: one unknown (or foreign) id and nothing changes. Already there = no-op. */
  private async setTrashed(auth: Auth, ids: string[], trashed: boolean): Promise<{ assets: Asset[] }> {
    const unique = [...new Set(ids)];
    let head: number | undefined;
    const assets = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(auth.accountId);
      const found = await trx.assets.findMany(auth.accountId, unique);
      if (found.length !== unique.length) {
        const known = new Set(found.map((a) => a.id));
        throw new SkyrollError('NOT_FOUND', undefined, { assetIds: unique.filter((id) => !known.has(id)) });
      }
      const byId = new Map(found.map((a) => [a.id, a]));
      const now = this.clock();
      const moved = new Set<string>();
      for (const id of unique) {
        if ((byId.get(id)!.trashedAt !== null) === trashed) continue;
        await trx.assets.update(auth.accountId, id, { trashed_at: trashed ? now : null, updated_at: now });
        byId.set(id, { ...byId.get(id)!, trashedAt: trashed ? now : null, updatedAt: now });
        moved.add(id);
      }
      const result = await readAssets(trx, auth.accountId, unique.map((id) => byId.get(id)!));
      for (const after of result) {
        if (moved.has(after.id)) head = await this.journal.append(trx, auth, trashed ? 'asset.trashed' : 'asset.restored', after);
      }
      return result;
    });
    this.journal.announce(auth.accountId, head);
    return { assets };
  }
}
