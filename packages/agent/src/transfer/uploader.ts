/** The pusher's hands: one original to the server over tus, resuming from the server's offset. */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { ROUTES, SkyrollError, UPLOAD_METADATA } from '@skyroll/protocol';
import { DetailedError, Upload, type HttpRequest, type HttpResponse } from 'tus-js-client';
import type { UploadRepository } from '../state/upload.repository.js';
import { ApiClient, OfflineError, errorFromBody } from './api-client.js';
import { RateLimiter, throttled } from './throttle.js';

export const CHUNK_SIZE = 8 * 1024 * 1024;
/** Small originals go in the creating request itself (one round trip); bigger ones get their
 * resumable URL stored before any byte flows. */
export const SINGLE_REQUEST_MAX = 2 * 1024 * 1024;

export interface UploadJob {
  /** Relative path in the folder (for the log and the file name). */
  path: string;
  abs: string;
  checksum: string;
  size: number;
}

export interface UploadHooks {
  /** Called once the upload's starting byte is known (0, or where the server stands). */
  onStart?: (offset: number) => void;
  onProgress?: (bytes: number) => void;
}

export interface UploadResult {
  offset: number;
  bytesSent: number;
}

/** Rejects with SkyrollError (the server refused), OfflineError (no answer), or AbortError. */
export function uploadOriginal(
  job: UploadJob,
  deps: { api: ApiClient; uploads: UploadRepository; limiter?: RateLimiter; signal?: AbortSignal },
  hooks: UploadHooks = {},
): Promise<UploadResult> {
  const { api, uploads, limiter, signal } = deps;
  return new Promise((resolve, reject) => {
    let offset: number | undefined;
    let bytesSent = 0;
    const started = (at: number) => {
      if (offset !== undefined) return;
      offset = at;
      hooks.onStart?.(at);
    };
    const uploadUrl = uploads.url(job.checksum) ?? null;
    const upload = new Upload({ path: job.abs, size: job.size } as unknown as Buffer, {
      // Only a new upload is created here: a resume that meets an error (a proxy's 502 while a
      // replica fails over) is retried, never silently restarted from byte 0 (tus-js-client creates
      // a new upload after any failed HEAD when it has an endpoint).
      endpoint: uploadUrl ? null : api.url(ROUTES.uploads),
      uploadUrl,
      uploadDataDuringCreation: !uploadUrl && !limiter && job.size <= SINGLE_REQUEST_MAX,
      uploadSize: job.size,
      headers: api.headers(),
      metadata: { [UPLOAD_METADATA.checksum]: job.checksum, [UPLOAD_METADATA.filename]: basename(job.path) },
      chunkSize: limiter ? Math.max(64 * 1024, Math.min(CHUNK_SIZE, limiter.bytesPerSecond)) : CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      storeFingerprintForResuming: false,
      fileReader: { openFile: async () => fileSource(job, limiter) },
      onShouldRetry: (err) => isTransient(err.originalResponse?.getStatus() ?? 0),
      // Written before any byte flows, so a restart resumes this upload.
      onUploadUrlAvailable: () => {
        uploads.save(job.checksum, upload.url!, job.path, job.size);
        upload.options.endpoint = null;
      },
      // A new upload starts at byte 0 (logged before its bytes go); a resumed one where the server stands.
      onBeforeRequest: (req: HttpRequest) => {
        if (req.getMethod() === 'POST') started(0);
      },
      onAfterResponse: (req: HttpRequest, res: HttpResponse) => {
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) started(Number(res.getHeader('Upload-Offset') ?? 0));
      },
      onChunkComplete: (chunk) => {
        bytesSent += chunk;
        hooks.onProgress?.(chunk);
      },
      onSuccess: () => {
        started(job.size);
        resolve({ offset: offset ?? 0, bytesSent });
      },
      onError: (err) => {
        if (signal?.aborted) return reject(abortError());
        const classified = classify(err, api.server);
        // A refused upload cannot be resumed: start afresh next time.
        if (classified instanceof SkyrollError && classified.code !== 'QUOTA_EXCEEDED') uploads.delete(job.checksum);
        reject(classified);
      },
    });
    if (signal?.aborted) return reject(abortError());
    signal?.addEventListener('abort', () => void upload.abort(false).then(() => reject(abortError())), { once: true });
    upload.start();
  });
}

/** 5xx but quota, 409/423 and no answer at all are worth retrying; other answers are final. */
function isTransient(status: number): boolean {
  if (status === 0) return true;
  if (status === 507) return false;
  if (status === 409 || status === 423 || status === 429) return true;
  return status >= 500;
}

function classify(err: Error, server: string): SkyrollError | OfflineError | Error {
  if (err instanceof DetailedError) {
    const res = err.originalResponse;
    if (res) {
      const status = res.getStatus();
      const error = errorFromBody(status, res.getBody());
      // Locked or out of step with the server (a killed agent's upload still held), or the
      // upload is gone (expired, or never finished on a dead replica): try again soon, afresh.
      if ((isTransient(status) && status < 500) || status === 404 || status === 410) Object.assign(error, { transient: true });
      return error;
    }
    if (err.originalRequest) return new OfflineError(server, err.causingError ?? err);
  }
  return err;
}

function fileSource(job: UploadJob, limiter?: RateLimiter) {
  return {
    size: job.size,
    async slice(start: number, end: number) {
      end = Math.min(end, job.size);
      const raw = createReadStream(job.abs, { start, end: end - 1, highWaterMark: limiter?.readSize ?? 1 << 20 });
      const stream = (limiter ? throttled(raw, limiter) : raw) as Readable & { size?: number };
      stream.size = end - start;
      return { value: stream, done: end >= job.size };
    },
    close() {},
  };
}

function abortError(): Error {
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}
