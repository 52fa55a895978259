import type { BaseRecord } from '../reconcile.js';
import type { Db } from './database.js';

interface Row {
  path: string;
  asset_id: string;
  checksum: string;
  remote_path: string;
  dev: string;
  ino: string;
  size: number;
  mtime_ns: string;
}

/** Per local path: the asset it was last in sync with. */
export class BaseRepository {
  constructor(private readonly db: Db) {}

  all(): BaseRecord[] {
    return (this.db.prepare('SELECT * FROM base').all() as Row[]).map(toRecord);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM base').get() as { n: number }).n;
  }

  get(path: string): BaseRecord | undefined {
    const row = this.db.prepare('SELECT * FROM base WHERE path = ?').get(path) as Row | undefined;
    return row && toRecord(row);
  }

  put(r: BaseRecord): void {
    this.db
      .prepare(
        `INSERT INTO base (path, asset_id, checksum, remote_path, dev, ino, size, mtime_ns)
         VALUES (@path, @assetId, @checksum, @remotePath, @dev, @ino, @size, @mtimeNs)
         ON CONFLICT (path) DO UPDATE SET asset_id = excluded.asset_id, checksum = excluded.checksum,
           remote_path = excluded.remote_path, dev = excluded.dev, ino = excluded.ino,
           size = excluded.size, mtime_ns = excluded.mtime_ns`,
      )
      .run(r);
  }

  delete(path: string): void {
    this.db.prepare('DELETE FROM base WHERE path = ?').run(path);
  }
}

function toRecord(r: Row): BaseRecord {
  return {
    path: r.path,
    assetId: r.asset_id,
    checksum: r.checksum,
    remotePath: r.remote_path,
    dev: r.dev,
    ino: r.ino,
    size: r.size,
    mtimeNs: r.mtime_ns,
  };
}
