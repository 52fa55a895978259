import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileConfigstore, FileStore } from '@tus/file-store';
import { MemoryLocker, type Lock, type Locker } from '@tus/server';

/** What the server knows of one tus upload. */
export interface UploadInfo {
  id: string;
  size?: number;
  offset: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
}

/**
 * The lock every request on an upload takes (tus's Locker), and the finishing and sweeping of
 * uploads too. In one process tus's MemoryLocker; between replicas PgUploadLocker.
 */
export interface UploadLocker extends Locker {
  /** The upload's lock if nobody holds it now, else undefined: for sweeps, which neither wait nor interrupt. */
  tryLock(id: string): Promise<Lock | undefined>;
}

/** The embedded default: locks within this process only. */
export class MemoryUploadLocker extends MemoryLocker implements UploadLocker {
  async tryLock(id: string): Promise<Lock | undefined> {
    if (this.locks.has(id)) return undefined;
    const lock = this.newLock(id);
    // Free: taken before lock() first awaits, so nothing can come in between.
    await lock.lock(new AbortController().signal, () => {});
    return lock;
  }
}

/**
 * Partial uploads (tus) in a folder: the data file is `<dir>/<id>`, its tus metadata
 * `<dir>/<id>.json` (tus's FileConfigstore), and the offset is the data file's size. Nothing
 * about an upload lives only in memory, so with the folder shared by replicas (a shared volume)
 * any replica resumes any upload from the right offset; `locker` keeps two requests on one
 * upload, wherever they land, from interleaving. Both files survive a crash.
 */
export class UploadStore {
  readonly tus: FileStore;

  /** expiryMs: a partial upload older than this is deleted by deleteExpired(). */
  constructor(
    private readonly directory: string,
    private readonly expiryMs: number,
    readonly locker: UploadLocker = new MemoryUploadLocker(),
  ) {
    // Not FileStore's own expiration: with it, a POST that completes an upload in one request
    // looks the upload up again after onUploadFinish has moved it away, and answers 404.
    // The metadata in files beside the data (FileStore's default, said here because replicas rely on it).
    this.tus = new FileStore({ directory, configstore: new FileConfigstore(directory) });
  }

  /** Deletes partial uploads older than the expiry (their clients start over); returns how many. */
  async deleteExpired(now = Date.now()): Promise<number> {
    let deleted = 0;
    for (const id of await this.list()) {
      // One being written to right now (by any replica) is not abandoned.
      await this.ifUnlocked(id, async () => {
        const created = (await this.get(id))?.creation_date;
        if (created && now - new Date(created).getTime() > this.expiryMs) {
          await this.remove(id);
          deleted++;
        }
      });
    }
    return deleted;
  }

  /** Runs fn holding the upload's lock, waiting for whoever holds it (tus's timeout: 30 s). */
  async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const lock = this.locker.newLock(id);
    // Not interruptible: what runs under it (verifying) is short and must not stop halfway.
    await lock.lock(new AbortController().signal, () => {});
    try {
      return await fn();
    } finally {
      await lock.unlock();
    }
  }

  /** Runs fn holding the upload's lock if nobody holds it; false when someone does (fn did not run). */
  async ifUnlocked(id: string, fn: () => Promise<void>): Promise<boolean> {
    const lock = await this.locker.tryLock(id);
    if (!lock) return false;
    try {
      await fn();
      return true;
    } finally {
      await lock.unlock();
    }
  }

  dataPath(id: string): string {
    return path.join(this.directory, id);
  }

  /** Upload ids with a data file or metadata on disk (finished or not, or half-removed by a crash). */
  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const ids = names.filter((name) => !name.startsWith('.')).map((name) => name.replace(/\.json$/, ''));
    return [...new Set(ids)].sort();
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
