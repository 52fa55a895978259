import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SkyrollError } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { JobContext } from '../jobs/job-queue.js';
import type { Repositories } from '../repositories/repositories.js';
import { derivativeKey, originalKey, type BlobStore } from '../stores/blob-store.js';
import type { Auth } from './auth.service.js';
import { renderPreview } from './media/preview.js';

export const PREVIEW_JOB = 'preview';

export interface PreviewJob {
  accountId: string;
  checksum: string;
}

/** Previews (~2048 px JPEG) of photos, made by a background job after each commit of new bytes. */
export class PreviewService {
  constructor(
    private readonly repos: Repositories,
    private readonly blobs: BlobStore,
    private readonly tmpDir: string,
    private readonly clock: Clock,
  ) {}

  /** The job: renders and stores the preview of one original; a last failure is recorded on it. */
  async generate(job: PreviewJob, context: JobContext): Promise<void> {
    const { accountId, checksum } = job;
    const done = await this.repos.derivatives.find(accountId, checksum, 'preview');
    if (done?.state === 'ready') return;
    const blob = await this.repos.blobs.find(accountId, checksum);
    if (!blob || blob.type !== 'photo') return; // purged since, or nothing to preview
    try {
      const preview = await renderPreview(this.blobs.read(originalKey(accountId, checksum)));
      const tmp = path.join(this.tmpDir, `preview-${randomBytes(8).toString('hex')}.jpg`);
      await fsp.writeFile(tmp, preview.jpeg);
      await this.blobs.importFile(derivativeKey(accountId, checksum, 'preview'), tmp);
      await this.repos.derivatives.upsert({
        account_id: accountId,
        checksum,
        kind: 'preview',
        state: 'ready',
        size: preview.jpeg.length,
        width: preview.width,
        height: preview.height,
        error: null,
        updated_at: this.clock(),
      });
    } catch (err) {
      await this.repos.derivatives.upsert({
        account_id: accountId,
        checksum,
        kind: 'preview',
        state: context.final ? 'failed' : 'pending',
        size: null,
        width: null,
        height: null,
        error: err instanceof Error ? err.message : String(err),
        updated_at: this.clock(),
      });
      throw err;
    }
  }

  /** The preview of an asset's current bytes; NOT_FOUND with details.reason while there is none. */
  async open(auth: Auth, assetId: string): Promise<{ stream: Readable; size: number; etag: string }> {
    const asset = await this.repos.assets.find(auth.accountId, assetId);
    if (!asset) throw new SkyrollError('NOT_FOUND');
    if (asset.type !== 'photo') {
      throw new SkyrollError('NOT_FOUND', 'Videos have no preview (yet): download the original', { reason: 'NO_PREVIEW' });
    }
    const preview = await this.repos.derivatives.find(auth.accountId, asset.checksum, 'preview');
    if (preview?.state === 'failed') {
      throw new SkyrollError('NOT_FOUND', 'The preview could not be made', { reason: 'PREVIEW_FAILED', error: preview.error });
    }
    if (preview?.state !== 'ready' || preview.size === null) {
      throw new SkyrollError('NOT_FOUND', 'The preview is not made yet; try again shortly', { reason: 'PREVIEW_NOT_READY' });
    }
    const key = derivativeKey(auth.accountId, asset.checksum, 'preview');
    return { stream: this.blobs.read(key), size: preview.size, etag: `"preview-${asset.checksum}"` };
  }
}
