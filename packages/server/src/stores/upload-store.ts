import path from 'node:path';
import { FileStore } from '@tus/file-store';

/** What the server knows of one tus upload. */
export interface UploadInfo {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
}

/**
 * Partial uploads (tus) on the local disk: the data file is `<dir>/<id>`, its tus metadata
 * `<dir>/<id>.json`. Both survive a crash, so a client resumes from the server's offset.
 */
export class UploadStore {
  readonly tus: FileStore;

  /** expiryMs: a partial upload older than this is deleted by deleteExpired(). */
  constructor(
    private readonly directory: string,
    private readonly expiryMs: number,
  ) {
    // Not FileStore's own expiration: with it, a POST that completes an upload in one request
    // looks the upload up again after onUploadFinish has moved it away, and answers 404.
    this.tus = new FileStore({ directory });
  }

  /** Deletes partial uploads older than the expiry (their clients start over); returns how many. */
  async deleteExpired(now = Date.now()): Promise<number> {
    let deleted = 0;
    for (const id of await this.list()) {
      const created = (await this.get(id))?.creation_date;
      if (created && now - new Date(created).getTime() > this.expiryMs) {
        await this.remove(id);
        deleted++;
      }
    }
    return deleted;
  }

  dataPath(id: string): string {
    return path.join(this.directory, id);
  }

  /** Upload ids with metadata on disk (finished or not). */
  async list(): Promise<string[]> {
    return (await this.tus.configstore.list?.()) ?? [];
  }

  async get(id: string): Promise<UploadInfo | undefined> {
    try {
      return await this.tus.getUpload(id);
    } catch {
      return undefined;
    }
  }

  /** Deletes the data and the metadata of an upload, whichever exist. */
  async remove(id: string): Promise<void> {
    await this.tus.remove(id).catch(() => undefined);
    await this.tus.configstore.delete(id).catch(() => undefined);
  }

  /** Forgets an upload whose data file was moved away (into the blob store). */
  async forget(id: string): Promise<void> {
    await this.tus.configstore.delete(id);
  }
}
