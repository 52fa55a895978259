import type { Db } from './database.js';

/** tus upload URLs by checksum, so an upload interrupted by a restart resumes from the server's offset. */
export class UploadRepository {
  constructor(private readonly db: Db) {}

  url(checksum: string): string | undefined {
    const row = this.db.prepare('SELECT url FROM pending_upload WHERE checksum = ?').get(checksum) as { url: string } | undefined;
    return row?.url;
  }

  save(checksum: string, url: string, path: string, size: number): void {
    this.db
      .prepare(
        `INSERT INTO pending_upload (checksum, url, path, size, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (checksum) DO UPDATE SET url = excluded.url, path = excluded.path, size = excluded.size`,
      )
      .run(checksum, url, path, size, Date.now());
  }

  delete(checksum: string): void {
    this.db.prepare('DELETE FROM pending_upload WHERE checksum = ?').run(checksum);
  }
}
