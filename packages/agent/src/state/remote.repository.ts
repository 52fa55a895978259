import type { Asset } from '@skyroll/protocol';
import type { RemoteAsset } from '../reconcile.js';
import type { Db } from './database.js';

/** The cloud library as last read from the journal. */
export class RemoteRepository {
  constructor(private readonly db: Db) {}

  all(): RemoteAsset[] {
    const rows = this.db.prepare('SELECT id, checksum, path, trashed, version FROM remote_asset').all() as {
      id: string;
      checksum: string;
      path: string;
      trashed: number;
      version: number;
    }[];
    return rows.map((r) => ({ ...r, trashed: r.trashed === 1 }));
  }

  /** Records an asset's state unless a newer one is already known (by the server's updatedAt). */
  put(asset: Asset): void {
    this.db
      .prepare(
        `INSERT INTO remote_asset (id, checksum, path, trashed, version, size, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, path = excluded.path,
           trashed = excluded.trashed, version = excluded.version, size = excluded.size, updated_at = excluded.updated_at
         WHERE excluded.updated_at >= remote_asset.updated_at`,
      )
      .run(asset.id, asset.checksum, asset.path, asset.trashedAt === null ? 0 : 1, asset.version, asset.size, asset.updatedAt);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM remote_asset WHERE id = ?').run(id);
  }

  size(id: string): number | undefined {
    const row = this.db.prepare('SELECT size FROM remote_asset WHERE id = ?').get(id) as { size: number } | undefined;
    return row?.size;
  }
}
