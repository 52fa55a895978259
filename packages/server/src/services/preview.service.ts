import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { SkyrollError, type MediaPoke } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { DerivativeRow } from '../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobContext, JobQueue } from '../jobs/job-queue.js';
import type { Repositories } from '../repositories/repositories.js';
import { derivativeKey, originalKey, type BlobStore, type DerivativeKind } from '../stores/blob-store.js';
import type { Auth } from './auth.service.js';
import { mediaConcurrency } from './media/concurrency.js';
import { isHeif, isRaw } from './media/formats.js';
import { decodeHeic } from './media/heic.js';
import { renderDerivatives, type RenderedDerivatives, type RenderedImage } from './media/preview.js';
import { extractRawPreview } from './media/raw.js';
import { extractPoster, probeVideo } from './media/video.js';

export const PREVIEW_JOB = 'preview';

export interface PreviewJob {
  accountId: string;
  checksum: string;
}

export interface OpenedDerivative {
  stream: Readable;
  size: number;
  etag: string;
  /** Base64 thumbhash (thumbnails of assets that have one). */
  thumbhash: string | null;
}

/**
 * At most this many asset ids in one `media` poke (one original is almost always one asset):
 * the poke stays far below PostgreSQL's NOTIFY limit between replicas. More: sent without ids.
 */
export const MEDIA_POKE_MAX_IDS = 50;

const REASONS: Record<DerivativeKind, { notReady: string; failed: string }> = {
  preview: { notReady: 'PREVIEW_NOT_READY', failed: 'PREVIEW_FAILED' },
  thumbnail: { notReady: 'THUMBNAIL_NOT_READY', failed: 'THUMBNAIL_FAILED' },
};

/**
 * Derivatives of the originals, made by one background job after each commit of new bytes:
 * a preview (~2048 px JPEG), a thumbnail (256 px WebP) and a thumbhash placeholder. A photo is
 * decoded once for all three; a video gets them from its poster frame (ffmpeg), plus its duration.
 * Pages showing the asset hear when they are made or given up on (`event: media`), so none polls.
 */
export class PreviewService {
  constructor(
    private readonly repos: Repositories,
    private readonly blobs: BlobStore,
    private readonly tmpDir: string,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /**
   * Makes this service the worker of preview jobs: one run per core at once (SKYROLL_MEDIA_CONCURRENCY),
   * off the request path; and, at start, queues the originals that have none yet.
   */
  attach(jobs: JobQueue): void {
    jobs.register(PREVIEW_JOB, (payload: PreviewJob, context) => this.generate(payload, context), {
      concurrency: mediaConcurrency(),
      onAbandoned: (payload: PreviewJob, error) => this.recordFailure(payload, 'failed', error),
    });
    jobs.atStart(async () => {
      await this.backfill(jobs);
    });
  }

  /**
   * Queues a job for every original in the library without derivatives and without a job:
   * stored before derivatives existed, or whose job was lost. Idempotent; one query when there is
   * nothing to do.
   */
  async backfill(jobs: JobQueue): Promise<number> {
    const unfinished = await this.repos.derivatives.listUnfinished();
    if (unfinished.length === 0) return 0;
    const live = new Set(
      (await this.repos.jobs.listLive(PREVIEW_JOB)).map((job) => {
        const { accountId, checksum } = JSON.parse(job.payload) as PreviewJob;
        return `${accountId}/${checksum}`;
      }),
    );
    const missing = unfinished.filter(({ accountId, checksum }) => !live.has(`${accountId}/${checksum}`));
    await this.repos.transaction(async (trx) => {
      for (const { accountId, checksum } of missing) await jobs.enqueue(trx, PREVIEW_JOB, { accountId, checksum } satisfies PreviewJob);
    });
    return missing.length;
  }

  /** The job: renders and stores the derivatives of one original; a last failure is recorded on them. */
  async generate(job: PreviewJob, context: JobContext): Promise<void> {
    const { accountId, checksum } = job;
    const [preview, thumbnail] = await Promise.all([
      this.repos.derivatives.find(accountId, checksum, 'preview'),
      this.repos.derivatives.find(accountId, checksum, 'thumbnail'),
    ]);
    if (preview?.state === 'ready' && thumbnail?.state === 'ready') return;
    const blob = await this.repos.blobs.find(accountId, checksum);
    if (!blob) return; // purged since
    try {
      const { rendered, durationMs } = await this.render(originalKey(accountId, checksum), blob.type, blob.mime);
      const rows = [
        await this.store(accountId, checksum, 'preview', rendered.preview, { thumbhash: null, duration_ms: durationMs }),
        await this.store(accountId, checksum, 'thumbnail', rendered.thumbnail, { thumbhash: rendered.thumbhash, duration_ms: durationMs }),
      ];
      // Both become ready together: a client that sees the preview finds the thumbnail too.
      await this.repos.transaction(async (trx) => {
        for (const row of rows) await trx.derivatives.upsert(row);
      });
      await this.announce(job, { media: 'ready', thumbhash: rendered.thumbhash, durationMs });
    } catch (err) {
      await this.recordFailure(job, context.final ? 'failed' : 'pending', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** Pending (a retry follows) or failed for good, with the reason the asset shows. */
  private async recordFailure({ accountId, checksum }: PreviewJob, state: 'pending' | 'failed', error: string): Promise<void> {
    await this.repos.transaction(async (trx) => {
      for (const kind of ['preview', 'thumbnail'] as const) {
        await trx.derivatives.upsert({
          account_id: accountId,
          checksum,
          kind,
          state,
          size: null,
          width: null,
          height: null,
          error,
          thumbhash: null,
          duration_ms: null,
          updated_at: this.clock(),
        });
      }
    });
    if (state === 'failed') await this.announce({ accountId, checksum }, { media: 'failed', thumbhash: null, durationMs: null });
  }

  /**
   * Pokes the account's open pages: the assets showing this original have their media settled.
   * Best effort after the commit, never failing the job: a page that misses the poke shows the
   * placeholder until it next reads the asset.
   */
  private async announce({ accountId, checksum }: PreviewJob, media: Omit<MediaPoke, 'assetIds'>): Promise<void> {
    try {
      const ids = await this.repos.assets.idsOfChecksum(accountId, checksum, MEDIA_POKE_MAX_IDS + 1);
      if (ids.length === 0) return;
      const data: MediaPoke = ids.length > MEDIA_POKE_MAX_IDS ? media : { assetIds: ids, ...media };
      this.events.publish(accountId, { type: 'media', data });
    } catch (err) {
      this.log.warn({ err, accountId, checksum }, 'announcing finished media failed');
    }
  }

  /** By kind of original: photos stream into sharp; HEIC, RAW and video need their own decoders first. */
  private async render(source: string, type: string, mime: string): Promise<{ rendered: RenderedDerivatives; durationMs: number | null }> {
    if (type === 'video') return this.renderVideo(source);
    if (isHeif(mime)) return { rendered: await renderDerivatives(await decodeHeic(await this.readAll(source))), durationMs: null };
    if (isRaw(mime)) return { rendered: await this.renderRaw(source), durationMs: null };
    return { rendered: await renderDerivatives(this.blobs.read(source)), durationMs: null };
  }

  /** ExifTool reads files: the RAW is copied to tmp (it may live in S3) for the time of the job. */
  private async renderRaw(source: string): Promise<RenderedDerivatives> {
    const local = this.tmpPath('raw');
    try {
      await pipeline(this.blobs.read(source), fs.createWriteStream(local));
      const { image, orientation } = await extractRawPreview(local);
      return await renderDerivatives(image, { orientation });
    } finally {
      await fsp.rm(local, { force: true });
    }
  }

  private async readAll(source: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.blobs.read(source)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The derivative of an asset's current bytes; NOT_FOUND with details.reason while there is none. */
  async open(auth: Auth, assetId: string, kind: DerivativeKind): Promise<OpenedDerivative> {
    const asset = await this.repos.assets.find(auth.accountId, assetId);
    if (!asset) throw new SkyrollError('NOT_FOUND');
    const row = await this.repos.derivatives.find(auth.accountId, asset.checksum, kind);
    if (row?.state === 'failed') {
      throw new SkyrollError('NOT_FOUND', `The ${kind} could not be made`, { reason: REASONS[kind].failed, error: row.error });
    }
    if (row?.state !== 'ready' || row.size === null) {
      throw new SkyrollError('NOT_FOUND', `The ${kind} is not made yet; try again shortly`, { reason: REASONS[kind].notReady });
    }
    const key = derivativeKey(auth.accountId, asset.checksum, kind);
    return { stream: this.blobs.read(key), size: row.size, etag: `"${kind}-${asset.checksum}"`, thumbhash: row.thumbhash };
  }

  /** ffmpeg and ffprobe read files: the original is copied to tmp (it may live in S3) for the time of the job. */
  private async renderVideo(source: string): Promise<{ rendered: RenderedDerivatives; durationMs: number | null }> {
    const local = this.tmpPath('video');
    try {
      await pipeline(this.blobs.read(source), fs.createWriteStream(local));
      const facts = await probeVideo(local);
      const rendered = await renderDerivatives(await extractPoster(local, facts.durationMs));
      return { rendered, durationMs: facts.durationMs };
    } finally {
      await fsp.rm(local, { force: true });
    }
  }

  /** Stores the file; its row (ready) is for the caller to write. */
  private async store(
    accountId: string,
    checksum: string,
    kind: DerivativeKind,
    image: RenderedImage,
    extra: { thumbhash: string | null; duration_ms: number | null },
  ): Promise<DerivativeRow> {
    const tmp = this.tmpPath(kind);
    await fsp.writeFile(tmp, image.bytes);
    await this.blobs.importFile(derivativeKey(accountId, checksum, kind), tmp);
    return {
      account_id: accountId,
      checksum,
      kind,
      state: 'ready',
      size: image.bytes.length,
      width: image.width,
      height: image.height,
      error: null,
      ...extra,
      updated_at: this.clock(),
    };
  }

  private tmpPath(prefix: string): string {
    return path.join(this.tmpDir, `${prefix}-${randomBytes(8).toString('hex')}`);
  }
}
