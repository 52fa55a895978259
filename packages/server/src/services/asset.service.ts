import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SkyrollError, type Asset, type Plan } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { BlobRow } from '../db/schema.js';
import type { AssetRecord } from '../repositories/asset.repository.js';
import type { Repositories } from '../repositories/repositories.js';
import { originalKey, type BlobStore, type ByteRange } from '../stores/blob-store.js';
import { readAsset } from './asset.reader.js';
import type { Auth } from './auth.service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { JournalEntryType, JournalService } from './journal.service.js';
import { PREVIEW_JOB, type PreviewJob } from './preview.service.js';
import { quotaExceeded } from './quota.js';

export type CheckState = 'missing' | 'uploaded' | 'live' | 'trashed';

/** The outcome of a change; head is the journal sequence number when one was appended. */
interface Change {
  asset: Asset;
  created: boolean;
  head?: number;
  /** The asset now has bytes it did not have before (added, or a new version). */
  newBytes?: boolean;
}

export interface CommitInput {
  checksum: string;
  path: string;
  mtime?: number;
  replaces?: { assetId: string; checksum: string };
}

export class AssetService {
  constructor(
    private readonly repos: Repositories,
    private readonly journal: JournalService,
    private readonly blobs: BlobStore,
    private readonly jobs: JobQueue,
    private readonly plans: readonly Plan[],
    private readonly clock: Clock = Date.now,
  ) {}

  async check(auth: Auth, checksums: string[]) {
    const unique = [...new Set(checksums)];
    const [assets, stored] = await Promise.all([
      this.repos.assets.findByChecksums(auth.accountId, unique),
      this.repos.blobs.findChecksums(auth.accountId, unique),
    ]);
    const byChecksum = new Map<string, AssetRecord>();
    for (const asset of assets) {
      const seen = byChecksum.get(asset.checksum);
      if (!seen || (seen.trashedAt !== null && asset.trashedAt === null)) byChecksum.set(asset.checksum, asset);
    }
    return {
      results: checksums.map((checksum) => {
        const asset = byChecksum.get(checksum);
        if (asset) return { checksum, state: (asset.trashedAt === null ? 'live' : 'trashed') as CheckState, assetId: asset.id };
        return { checksum, state: (stored.has(checksum) ? 'uploaded' : 'missing') as CheckState };
      }),
    };
  }

  /**
   * Makes an uploaded original part of the library, idempotently by checksum: the asset, its
   * quota charge and its journal entry commit together or not at all.
   */
  async commit(auth: Auth, input: CommitInput): Promise<{ asset: Asset; created: boolean }> {
    const { head, queued, ...result } = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(auth.accountId);
      const blob = await trx.blobs.find(auth.accountId, input.checksum);
      if (!blob) throw new SkyrollError('BLOB_MISSING', undefined, { checksum: input.checksum });
      const change = input.replaces
        ? await this.saveVersion(trx, auth, blob, input, input.replaces.assetId)
        : await this.addOrRestore(trx, auth, blob, input);
      // New bytes in the library: their derivatives (a video's from its poster frame) are made in
      // the background, durably queued with them.
      const queued = change.newBytes === true;
      if (queued) await this.jobs.enqueue(trx, PREVIEW_JOB, { accountId: auth.accountId, checksum: blob.checksum } satisfies PreviewJob);
      return { asset: change.asset, created: change.created, head: change.head, queued };
    });
    this.journal.announce(auth.accountId, head);
    this.jobs.noteIngest();
    if (queued) this.jobs.wake();
    return result;
  }

  async get(auth: Auth, id: string): Promise<Asset> {
    return readAsset(this.repos, auth.accountId, await this.require(auth, id));
  }

  async move(auth: Auth, id: string, path: string): Promise<Asset> {
    const { head, asset } = await this.repos.transaction(async (trx): Promise<Change> => {
      await trx.accounts.lock(auth.accountId);
      const current = await trx.assets.find(auth.accountId, id);
      if (!current) throw new SkyrollError('NOT_FOUND');
      if (current.path === path) return { asset: await readAsset(trx, auth.accountId, current), created: false };
      await trx.assets.update(auth.accountId, id, { path, updated_at: this.clock() });
      return this.journaled(trx, auth, 'asset.moved', id);
    });
    this.journal.announce(auth.accountId, head);
    return asset;
  }

  /** Same bytes as a live asset: that asset. In trash: restored. Otherwise a new asset. */
  private async addOrRestore(trx: Repositories, auth: Auth, blob: BlobRow, input: CommitInput): Promise<Change> {
    const existing = await trx.assets.findByChecksums(auth.accountId, [blob.checksum]);
    const live = existing.find((a) => a.trashedAt === null);
    if (live) return { asset: await readAsset(trx, auth.accountId, live), created: false };
    const now = this.clock();
    const trashed = existing[0];
    if (trashed) {
      await trx.assets.update(auth.accountId, trashed.id, { trashed_at: null, updated_at: now });
      return this.journaled(trx, auth, 'asset.restored', trashed.id);
    }
    await this.chargeQuota(trx, auth, blob, now);
    const id = randomUUID();
    await trx.assets.create({
      id,
      account_id: auth.accountId,
      checksum: blob.checksum,
      path: input.path,
      origin_device_id: auth.deviceId,
      taken_at: blob.taken_at ?? input.mtime ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
      trashed_at: null,
    });
    return { ...(await this.journaled(trx, auth, 'asset.added', id, true)), newBytes: true };
  }

  /**
   * New bytes saved over an asset. Whatever the device thought was current (replaces.checksum),
   * the later save becomes current and the earlier bytes stay as a version: concurrent edits
   * lose nothing. A trashed asset comes back: the change wins.
   */
  private async saveVersion(trx: Repositories, auth: Auth, blob: BlobRow, input: CommitInput, assetId: string): Promise<Change> {
    const target = await trx.assets.find(auth.accountId, assetId);
    if (!target) throw new SkyrollError('NOT_FOUND', undefined, { assetId });
    const now = this.clock();
    if (target.checksum === blob.checksum) {
      if (target.trashedAt === null) return { asset: await readAsset(trx, auth.accountId, target), created: false };
      await trx.assets.update(auth.accountId, target.id, { trashed_at: null, updated_at: now });
      return this.journaled(trx, auth, 'asset.restored', target.id);
    }
    await this.chargeQuota(trx, auth, blob, now);
    await trx.assets.addVersion({ asset_id: target.id, version: target.version, checksum: target.checksum, created_at: now });
    await trx.assets.update(auth.accountId, target.id, {
      checksum: blob.checksum,
      version: target.version + 1,
      path: input.path,
      taken_at: blob.taken_at ?? input.mtime ?? target.takenAt,
      updated_at: now,
      trashed_at: null,
    });
    return { ...(await this.journaled(trx, auth, 'asset.updated', target.id)), newBytes: true };
  }

  /** Streams the bytes of an asset's original (read with get()), or one range of them. */
  readOriginal(auth: Auth, asset: Asset, range?: ByteRange): Readable {
    return this.blobs.read(originalKey(auth.accountId, asset.checksum), range);
  }

  private async require(auth: Auth, id: string): Promise<AssetRecord> {
    const asset = await this.repos.assets.find(auth.accountId, id);
    if (!asset) throw new SkyrollError('NOT_FOUND');
    return asset;
  }

  /** The first reference to a blob charges its size to the quota, atomically, or fails. */
  private async chargeQuota(trx: Repositories, auth: Auth, blob: BlobRow, now: number): Promise<void> {
    if (blob.counted_at !== null) return;
    if (!(await trx.accounts.addUsedBytesWithinQuota(auth.accountId, blob.size))) {
      const account = await trx.accounts.findById(auth.accountId);
      if (!account) throw new SkyrollError('UNAUTHORIZED');
      throw quotaExceeded(this.plans, { usedBytes: account.used_bytes, quotaBytes: account.quota_bytes }, blob.size);
    }
    await trx.blobs.markCounted(auth.accountId, blob.checksum, now);
  }

  /** Reads the asset as changed and appends its journal entry, in the same transaction. */
  private async journaled(trx: Repositories, auth: Auth, type: JournalEntryType, id: string, created = false): Promise<Change> {
    const record = await trx.assets.find(auth.accountId, id);
    if (!record) throw new Error(`asset ${id} vanished inside its transaction`);
    const asset = await readAsset(trx, auth.accountId, record);
    return { asset, created, head: await this.journal.append(trx, auth, type, asset) };
  }
}
