import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
import { CSRF_HEADER, ERRORS, ROUTES, UPLOAD_METADATA } from '@skyroll/protocol';
import type { CheckResponse, CommitResponse } from '../api-types.js';
import { api, ApiError } from '../api.js';
import { errorMessage, quotaMessage } from '../api-errors.js';
import { liveEvents } from '../live/events.js';
import { sha256Hex } from './hash.js';
import { uploadPath } from './upload-path.js';

export type UploadState = 'hashing' | 'checking' | 'uploading' | 'committing' | 'done' | 'skipped' | 'failed';

export interface UploadItem {
  id: number;
  name: string;
  size: number;
  state: UploadState;
  /** Bytes sent (or hashed) so far, 0..1. */
  progress: number;
  error?: string;
}

export interface UploadSnapshot {
  items: UploadItem[];
  /** Something is still hashing, checking, uploading or committing. */
  active: boolean;
}

type Meta = { checksum: string; filename: string; itemId: number };

/** Hashes are checked with the server in groups: one request for many files. */
const CHECK_BATCH = 50;
const TUS_CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Uploads from the browser, the way an agent does: hash each file (its identity), ask the server
 * which hashes it lacks (one request for many), send only those over tus (resumable: a broken
 * transfer resumes from the last byte the server holds, even after a reload), then commit each
 * as an asset under `Uploads/`. Uppy drives the transfers; this class holds each file's state.
 */
export class UploadQueue {
  private snapshot: UploadSnapshot = { items: [], active: false };
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<number, { file: File; checksum?: string }>();
  private readonly toHash: number[] = [];
  private readonly toCheck: number[] = [];
  private hashing = false;
  private nextId = 1;
  private readonly uppy: Uppy<Meta, Record<string, unknown>>;

  constructor() {
    this.uppy = new Uppy<Meta, Record<string, unknown>>({ autoProceed: true, allowMultipleUploadBatches: true });
    this.uppy.use(Tus, {
      endpoint: new URL(ROUTES.uploads, window.location.origin).href,
      headers: { [CSRF_HEADER]: '1' },
      chunkSize: TUS_CHUNK_BYTES,
      limit: 3,
      retryDelays: [0, 1_000, 3_000, 5_000, 10_000, 20_000],
      removeFingerprintOnSuccess: true,
      allowedMetaFields: [UPLOAD_METADATA.checksum, UPLOAD_METADATA.filename],
      // Full storage will not empty itself by waiting: no retry on 507.
      onShouldRetry: (err, _attempt, _opts, next) => err.originalResponse?.getStatus() !== ERRORS.QUOTA_EXCEEDED.status && next(err),
    });
    this.uppy.on('upload-progress', (file, progress) => {
      if (!file || !progress.bytesTotal) return;
      this.set(file.meta.itemId, { state: 'uploading', progress: progress.bytesUploaded / progress.bytesTotal });
    });
    this.uppy.on('upload-success', (file) => {
      if (!file) return;
      this.forget(file.id);
      void this.commit(file.meta.itemId);
    });
    this.uppy.on('upload-error', (file, error, response) => {
      if (!file) return;
      this.forget(file.id);
      this.fail(file.meta.itemId, uploadErrorMessage(error, response as { status?: number; body?: unknown } | undefined));
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploadSnapshot => this.snapshot;

  add(files: Iterable<File>): void {
    // A new batch after the last one finished starts a fresh panel.
    if (!this.snapshot.active) this.clearFinished();
    const added: UploadItem[] = [];
    for (const file of files) {
      const id = this.nextId++;
      this.files.set(id, { file });
      this.toHash.push(id);
      added.push({ id, name: file.name, size: file.size, state: 'hashing', progress: 0 });
    }
    if (added.length === 0) return;
    this.publish([...this.snapshot.items, ...added]);
    void this.hashAll();
  }

  /** Forgets the finished and failed items (the panel's "close"). */
  clearFinished(): void {
    const keep = this.snapshot.items.filter((item) => !isFinished(item.state));
    for (const item of this.snapshot.items) if (isFinished(item.state)) this.files.delete(item.id);
    this.publish(keep);
  }

  retryFailed(): void {
    const failed = this.snapshot.items.filter((item) => item.state === 'failed');
    for (const item of failed) {
      const entry = this.files.get(item.id);
      if (!entry) continue;
      if (entry.checksum) this.toCheck.push(item.id);
      else this.toHash.push(item.id);
    }
    this.publish(this.snapshot.items.map((item) => (item.state === 'failed' ? { ...item, state: 'hashing', progress: 0, error: undefined } : item)));
    void this.hashAll();
  }

  /** One file hashed at a time (it reads the whole file); checks go out in groups as hashes come. */
  private async hashAll(): Promise<void> {
    if (this.hashing) return;
    this.hashing = true;
    try {
      while (this.toHash.length > 0) {
        const id = this.toHash.shift()!;
        const entry = this.files.get(id);
        if (!entry) continue;
        try {
          entry.checksum = await sha256Hex(entry.file, (fraction) => this.set(id, { progress: fraction }));
          this.set(id, { state: 'checking', progress: 0 });
          this.toCheck.push(id);
        } catch (err) {
          this.fail(id, `The file could not be read: ${errorMessage(err)}`);
        }
        if (this.toCheck.length >= CHECK_BATCH) await this.checkPending();
      }
      await this.checkPending();
    } finally {
      this.hashing = false;
    }
  }

  /**
   * Asks the server about the hashed files: those it lacks are uploaded; bytes it holds (an
   * earlier upload, or a photo in Recently Deleted) are only committed; live ones are skipped.
   */
  private async checkPending(): Promise<void> {
    const ids = this.toCheck.splice(0, this.toCheck.length);
    if (ids.length === 0) return;
    const byChecksum = new Map<string, number[]>();
    for (const id of ids) {
      const checksum = this.files.get(id)?.checksum;
      if (checksum) byChecksum.set(checksum, [...(byChecksum.get(checksum) ?? []), id]);
    }
    let results: CheckResponse['results'];
    try {
      results = (await api<CheckResponse>('POST', ROUTES.check, { checksums: [...byChecksum.keys()] })).results;
    } catch (err) {
      for (const id of ids) this.fail(id, errorMessage(err));
      return;
    }
    for (const result of results) {
      const [first, ...duplicates] = byChecksum.get(result.checksum) ?? [];
      // The same bytes picked twice in one go are one asset.
      for (const id of duplicates) this.set(id, { state: 'skipped', progress: 1 });
      if (first === undefined) continue;
      if (result.state === 'live') this.set(first, { state: 'skipped', progress: 1 });
      else if (result.state === 'missing') this.startUpload(first, result.checksum);
      else void this.commit(first);
    }
  }

  private startUpload(id: number, checksum: string): void {
    const entry = this.files.get(id);
    if (!entry) return;
    this.set(id, { state: 'uploading', progress: 0 });
    try {
      this.uppy.addFile({
        name: entry.file.name,
        type: entry.file.type,
        data: entry.file,
        meta: { checksum, filename: entry.file.name, itemId: id },
      });
    } catch (err) {
      this.fail(id, errorMessage(err));
    }
  }

  private async commit(id: number): Promise<void> {
    const entry = this.files.get(id);
    if (!entry?.checksum) return;
    this.set(id, { state: 'committing', progress: 1 });
    try {
      await api<CommitResponse>('POST', ROUTES.assets, {
        checksum: entry.checksum,
        path: uploadPath(entry.file.name),
        mtime: entry.file.lastModified || undefined,
      });
      this.set(id, { state: 'done', progress: 1 });
      liveEvents.poke();
    } catch (err) {
      this.fail(id, errorMessage(err));
    }
  }

  /**
   * Out of Uppy once its transfer is over, so the same file can be picked again later. Not at
   * once: removing a file while tus still holds it would also delete the upload on the server.
   */
  private forget(uppyFileId: string): void {
    setTimeout(() => {
      if (this.uppy.getFile(uppyFileId)) this.uppy.removeFile(uppyFileId);
    }, 0);
  }

  private fail(id: number, error: string): void {
    this.set(id, { state: 'failed', error });
  }

  private set(id: number, patch: Partial<UploadItem>): void {
    this.publish(this.snapshot.items.map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }

  private publish(items: UploadItem[]): void {
    this.snapshot = { items, active: items.some((item) => !isFinished(item.state)) };
    for (const listener of [...this.listeners]) listener();
  }
}

function isFinished(state: UploadState): boolean {
  return state === 'done' || state === 'skipped' || state === 'failed';
}

/** tus answers with the API's JSON error body (507 with the quota's details, 422 for a bad file…). */
function uploadErrorMessage(error: { message: string }, response?: { status?: number; body?: unknown }): string {
  const xhr = (response?.body as { xhr?: XMLHttpRequest } | undefined)?.xhr;
  let body: { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  try {
    body = xhr?.responseText ? JSON.parse(xhr.responseText) : undefined;
  } catch {
    body = undefined;
  }
  if (response?.status === ERRORS.QUOTA_EXCEEDED.status || body?.error?.code === 'QUOTA_EXCEEDED') return quotaMessage(body?.error?.details);
  if (body?.error?.message) return body.error.message;
  if (response?.status === undefined || response.status === 0) return 'The connection to the server was lost; the upload resumes when you retry.';
  return new ApiError(response.status, 'INTERNAL', error.message).message;
}
