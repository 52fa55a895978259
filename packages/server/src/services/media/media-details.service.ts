import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { JobContext, JobQueue } from '../../jobs/job-queue.js';
import type { Repositories } from '../../repositories/repositories.js';
import { originalKey, type BlobStore } from '../../stores/blob-store.js';
import { readMediaDetails } from './media-inspector.js';

export const MEDIA_DETAILS_JOB = 'media-details';

export interface MediaDetailsJob {
  accountId: string;
  checksum: string;
}

/** Recorded for an original whose details were read and say nothing, or cannot be read at all. */
const NOTHING = '{}';
/** Jobs queued per transaction at start: a big backlog never holds the database for long. */
const ENQUEUE_BATCH = 500;

/**
 * The camera, exposure and place of originals verified before the server kept them (the info
 * panel showed nothing for those): read once, by a background job per original, queued at start.
 * Each original is read at most once: an unreadable one is recorded as read with nothing in it,
 * so no start queues it again.
 */
export class MediaDetailsService {
  constructor(
    private readonly repos: Repositories,
    private readonly blobs: BlobStore,
    private readonly tmpDir: string,
  ) {}

  /** One reader at a time (a header read, off the request path), and the backfill at start. */
  attach(jobs: JobQueue): void {
    jobs.register(MEDIA_DETAILS_JOB, (payload: MediaDetailsJob, context) => this.read(payload, context), {
      concurrency: 1,
      onAbandoned: ({ accountId, checksum }: MediaDetailsJob) => this.repos.blobs.setDetails(accountId, checksum, NOTHING),
    });
    jobs.atStart(async () => {
      await this.backfill(jobs);
    });
  }

  /** Queues a job for every original never read that has none yet. Idempotent; one query when there is nothing to do. */
  async backfill(jobs: JobQueue): Promise<number> {
    const unread = await this.repos.blobs.listDetailsUnread();
    if (unread.length === 0) return 0;
    const live = new Set(
      (await this.repos.jobs.listLive(MEDIA_DETAILS_JOB)).map((job) => {
        const { accountId, checksum } = JSON.parse(job.payload) as MediaDetailsJob;
        return `${accountId}/${checksum}`;
      }),
    );
    const missing = unread.filter(({ accountId, checksum }) => !live.has(`${accountId}/${checksum}`));
    for (let i = 0; i < missing.length; i += ENQUEUE_BATCH) {
      await this.repos.transaction(async (trx) => {
        for (const job of missing.slice(i, i + ENQUEUE_BATCH)) await jobs.enqueue(trx, MEDIA_DETAILS_JOB, job satisfies MediaDetailsJob);
      });
    }
    return missing.length;
  }

  /** The job: reads one original's details; its last failure records that there is nothing to read. */
  async read({ accountId, checksum }: MediaDetailsJob, context: JobContext): Promise<void> {
    const blob = await this.repos.blobs.find(accountId, checksum);
    if (!blob || blob.details_json !== null) return; // purged since, or read already
    // A video's metadata is not EXIF: nothing to copy the whole file for.
    if (blob.type === 'video') return this.repos.blobs.setDetails(accountId, checksum, NOTHING);
    // ExifTool and exifr read files: the original is copied to tmp (it may live in S3) for the time of the job.
    const local = path.join(this.tmpDir, `details-${randomBytes(8).toString('hex')}`);
    try {
      await pipeline(this.blobs.read(originalKey(accountId, checksum)), fs.createWriteStream(local));
      const details = await readMediaDetails(local, blob.mime);
      await this.repos.blobs.setDetails(accountId, checksum, details ? JSON.stringify(details) : NOTHING);
    } catch (err) {
      if (context.final) await this.repos.blobs.setDetails(accountId, checksum, NOTHING);
      throw err;
    } finally {
      await fsp.rm(local, { force: true });
    }
  }
}
