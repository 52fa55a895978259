import type { Db } from './database.js';

export interface FileIdentity {
  dev: string;
  ino: string;
  size: number;
  mtimeNs: string;
}

/** SHA-256 per (device, inode), valid while size and mtime are unchanged: renames cost nothing. */
export class HashCacheRepository {
  constructor(private readonly db: Db) {}

  lookup(id: FileIdentity): string | undefined {
    const row = this.db
      .prepare('SELECT checksum FROM hash_cache WHERE dev = ? AND ino = ? AND size = ? AND mtime_ns = ?')
      .get(id.dev, id.ino, id.size, id.mtimeNs) as { checksum: string } | undefined;
    return row?.checksum;
  }

  /** Many at once: one durable write instead of one per file. */
  storeMany(entries: { id: FileIdentity; checksum: string }[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => entries.forEach((e) => this.store(e.id, e.checksum)))();
  }

  store(id: FileIdentity, checksum: string): void {
    this.db
      .prepare(
        `INSERT INTO hash_cache (dev, ino, size, mtime_ns, checksum) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (dev, ino) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, checksum = excluded.checksum`,
      )
      .run(id.dev, id.ino, id.size, id.mtimeNs, checksum);
  }
}
