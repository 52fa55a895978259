import path from 'node:path';
import { FileStore } from '@tus/file-store';

/** What the server knows of one tus upload. */
export interface UploadInfo {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
}

/**
 * Partial uploads (tus) on the local disk: the data file is `<dir>/<id>`, its tus metadata
 * `<dir>/<id>.json`. Both survive a crash, so a client resumes from the server's offset.
 */
export class UploadStore {
  readonly tus: FileStore;

  constructor(private readonly directory: string) {
    this.tus = new FileStore({ directory });
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
