import type { PlaceholderRecord } from '../reconcile.js';
import type { Db } from './database.js';

interface Row {
  path: string;
  asset_id: string;
  checksum: string;
  placeholder_checksum: string;
}

/** Optimize Storage: per local path, the original whose preview stands in for it. */
export class PlaceholderRepository {
  constructor(private readonly db: Db) {}

  all(): PlaceholderRecord[] {
    return (this.db.prepare('SELECT path, asset_id, checksum, placeholder_checksum FROM placeholder').all() as Row[]).map(toRecord);
  }

  get(path: string): PlaceholderRecord | undefined {
    const row = this.db.prepare('SELECT path, asset_id, checksum, placeholder_checksum FROM placeholder WHERE path = ?').get(path) as Row | undefined;
    return row && toRecord(row);
  }

  put(r: PlaceholderRecord): void {
    this.db
      .prepare(
        `INSERT INTO placeholder (path, asset_id, checksum, placeholder_checksum, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET asset_id = excluded.asset_id, checksum = excluded.checksum,
           placeholder_checksum = excluded.placeholder_checksum, created_at = excluded.created_at`,
      )
      .run(r.path, r.assetId, r.checksum, r.placeholderChecksum, Date.now());
  }

  delete(path: string): void {
    this.db.prepare('DELETE FROM placeholder WHERE path = ?').run(path);
  }
}

function toRecord(r: Row): PlaceholderRecord {
  return { path: r.path, assetId: r.asset_id, checksum: r.checksum, placeholderChecksum: r.placeholder_checksum };
}
