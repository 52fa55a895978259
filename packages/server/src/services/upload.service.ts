import { randomBytes } from 'node:crypto';
import { Checksum, SkyrollError, UPLOAD_METADATA, type Plan } from '@skyroll/protocol';
import type { Logger } from 'pino';
import type { Repositories } from '../repositories/repositories.js';
import { originalKey, type BlobStore } from '../stores/blob-store.js';
import type { UploadInfo, UploadStore } from '../stores/upload-store.js';
import type { Auth } from './auth.service.js';
import { sha256File } from './media/checksum.js';
import { inspectMedia } from './media/media-inspector.js';
import { quotaExceeded } from './quota.js';

/**
 * The server's side of resumable uploads: what may start, and what a finished upload must be
 * before it becomes a stored original (a `blobs` row). Committing it as an asset is separate.
 */
export class UploadService {
  /** Finishing one upload twice at once (a retried PATCH) must not race with itself. */
  private readonly finishing = new Map<string, Promise<void>>();

  constructor(
    private readonly repos: Repositories,
    private readonly uploads: UploadStore,
    private readonly blobs: BlobStore,
    private readonly log: Logger,
    private readonly plans: readonly Plan[],
  ) {}

  /** Upload ids carry their account, so every later request can be checked against it. */
  newUploadId(auth: Auth): string {
    return `${auth.accountId}_${randomBytes(16).toString('hex')}`;
  }

  ownsUpload(auth: Auth, uploadId: string): boolean {
    return uploadId.startsWith(`${auth.accountId}_`);
  }

  async validateCreate(auth: Auth, upload: UploadInfo): Promise<void> {
    const checksum = upload.metadata?.[UPLOAD_METADATA.checksum];
    if (!checksum || !Checksum.safeParse(checksum).success) {
      throw new SkyrollError('VALIDATION_FAILED', 'Upload-Metadata needs `checksum`: the lowercase hex SHA-256 of the file', {
        field: UPLOAD_METADATA.checksum,
      });
    }
    if (!upload.metadata?.[UPLOAD_METADATA.filename]) {
      throw new SkyrollError('VALIDATION_FAILED', 'Upload-Metadata needs `filename`', { field: UPLOAD_METADATA.filename });
    }
    if (upload.size === undefined) {
      throw new SkyrollError('BAD_REQUEST', 'Upload-Length is required (deferred length is not supported)');
    }
    if (upload.size === 0) throw new SkyrollError('EMPTY_FILE');
    const account = await this.repos.accounts.findById(auth.accountId);
    if (!account) throw new SkyrollError('UNAUTHORIZED');
    // An early, advisory refusal (no bytes sent for nothing); the commit is the authority, atomic
    // against every other commit. Bytes already stored for the account do not count twice.
    if (account.used_bytes + upload.size > account.quota_bytes && !(await this.repos.blobs.find(auth.accountId, checksum))) {
      throw quotaExceeded(this.plans, { usedBytes: account.used_bytes, quotaBytes: account.quota_bytes }, upload.size);
    }
  }

  /**
   * Verifies a complete upload and stores it as an original; rejected uploads are deleted.
   * Exactly once, wherever it is asked (the PATCH that completed it, a HEAD after its replica died
   * finishing, a starting replica's recovery): under the upload's lock, which every replica
   * shares, and only if the upload is still there once the lock is held.
   */
  finish(accountId: string, upload: UploadInfo): Promise<void> {
    // The same upload finished twice at once here (a retried PATCH) shares one outcome.
    const running = this.finishing.get(upload.id);
    if (running) return running;
    const done = this.uploads.withLock(upload.id, () => this.finishLocked(accountId, upload)).finally(() => this.finishing.delete(upload.id));
    this.finishing.set(upload.id, done);
    return done;
  }

  /**
   * An upload whose bytes all arrived but that was never verified (its replica died finishing it,
   * and the client, resuming elsewhere, asks where it stands): finished now. Returns its size
   * once stored; undefined when it is not such an upload (partial, gone, unknown).
   */
  async finishIfComplete(accountId: string, uploadId: string): Promise<number | undefined> {
    const upload = await this.uploads.get(uploadId);
    if (!upload || !isComplete(upload)) return undefined;
    await this.finish(accountId, upload);
    return upload.size;
  }

  private async finishLocked(accountId: string, announced: UploadInfo): Promise<void> {
    const upload = await this.uploads.get(announced.id);
    if (!upload) {
      // Finished by another request (of any replica) while this one waited for the lock.
      const checksum = announced.metadata?.[UPLOAD_METADATA.checksum];
      if (checksum && (await this.repos.blobs.find(accountId, checksum))) return;
      throw new SkyrollError('NOT_FOUND', 'This upload was rejected or removed meanwhile; upload the file again');
    }
    if (!isComplete(upload)) throw new Error(`upload ${upload.id} is not complete (${upload.offset} of ${upload.size} bytes)`);
    await this.verifyAndStore(accountId, upload);
  }

  private async verifyAndStore(accountId: string, upload: UploadInfo): Promise<void> {
    const file = this.uploads.dataPath(upload.id);
    const expected = upload.metadata?.[UPLOAD_METADATA.checksum] ?? '';
    try {
      const actual = await sha256File(file);
      if (actual !== expected) throw new SkyrollError('CHECKSUM_MISMATCH', undefined, { expected, actual });
      if (await this.repos.blobs.find(accountId, actual)) {
        await this.uploads.remove(upload.id);
        return;
      }
      const media = await inspectMedia(file);
      await this.blobs.importFile(originalKey(accountId, actual), file);
      await this.repos.blobs.insert({
        account_id: accountId,
        checksum: actual,
        size: upload.size ?? upload.offset,
        mime: media.mime,
        type: media.type,
        width: media.width,
        height: media.height,
        taken_at: media.takenAt,
        // '{}': read, nothing there (null is left for originals whose details were never read).
        details_json: JSON.stringify(media.details ?? {}),
        created_at: Date.now(),
        counted_at: null,
      });
      await this.uploads.forget(upload.id);
    } catch (err) {
      if (err instanceof SkyrollError) {
        this.log.info({ uploadId: upload.id, code: err.code }, 'upload rejected');
        await this.uploads.remove(upload.id);
      }
      throw err;
    }
  }

  /**
   * After a crash: uploads whose bytes all arrived but were never stored (a server died while
   * finishing) are finished now; leftovers of a crash (metadata whose data was already moved into
   * the blob store, a data file whose creation was cut short) are removed. Partial uploads stay
   * for their clients to resume. With replicas sharing the folder, an upload another (live)
   * replica holds is its business: skipped, not waited for.
   */
  async recover(): Promise<void> {
    for (const id of await this.uploads.list()) {
      if (!UPLOAD_ID.test(id)) continue;
      const accountId = id.split('_')[0];
      await this.uploads.ifUnlocked(id, async () => {
        const upload = await this.uploads.get(id);
        if (!upload) return this.uploads.remove(id);
        if (!isComplete(upload)) return;
        await this.verifyAndStore(accountId, upload).catch((err: unknown) => this.log.warn({ uploadId: id, err }, 'recovered upload rejected'));
      });
    }
  }
}

const UPLOAD_ID = /^[^_]+_[0-9a-f]{32}$/;

function isComplete(upload: UploadInfo): boolean {
  return upload.size !== undefined && upload.size > 0 && upload.offset === upload.size;
}
