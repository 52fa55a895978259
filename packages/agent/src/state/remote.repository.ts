import type { Asset } from '@skyroll/protocol';
import type { RemoteAsset } from '../reconcile.js';
import type { Db } from './database.js';

/** An asset's metadata as the cloud last said (favorite, hidden, caption, albums). */
export interface RemoteMetadata {
  id: string;
  trashed: boolean;
  favorite: boolean;
  hidden: boolean;
  caption: string;
  albumIds: string[];
}

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
        `INSERT INTO remote_asset (id, checksum, path, trashed, version, size, updated_at, favorite, hidden, caption, album_ids)
         VALUES (@id, @checksum, @path, @trashed, @version, @size, @updatedAt, @favorite, @hidden, @caption, @albumIds)
         ON CONFLICT (id) DO UPDATE SET checksum = excluded.checksum, path = excluded.path,
           trashed = excluded.trashed, version = excluded.version, size = excluded.size, updated_at = excluded.updated_at,
           favorite = excluded.favorite, hidden = excluded.hidden, caption = excluded.caption, album_ids = excluded.album_ids
         WHERE excluded.updated_at >= remote_asset.updated_at`,
      )
      .run({
        id: asset.id,
        checksum: asset.checksum,
        path: asset.path,
        trashed: asset.trashedAt === null ? 0 : 1,
        version: asset.version,
        size: asset.size,
        updatedAt: asset.updatedAt,
        // An older server's answer lacks the fields: it had no metadata, so the defaults are true to it.
        favorite: asset.favorite ? 1 : 0,
        hidden: asset.hidden ? 1 : 0,
        caption: asset.caption ?? '',
        albumIds: JSON.stringify(asset.albumIds ?? []),
      });
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM remote_asset WHERE id = ?').run(id);
  }

  size(id: string): number | undefined {
    const row = this.db.prepare('SELECT size FROM remote_asset WHERE id = ?').get(id) as { size: number } | undefined;
    return row?.size;
  }

  /** Every asset's metadata (trashed ones included: they may come back). */
  metadata(): RemoteMetadata[] {
    const rows = this.db.prepare('SELECT id, trashed, favorite, hidden, caption, album_ids FROM remote_asset').all() as {
      id: string;
      trashed: number;
      favorite: number;
      hidden: number;
      caption: string;
      album_ids: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      trashed: r.trashed === 1,
      favorite: r.favorite === 1,
      hidden: r.hidden === 1,
      caption: r.caption,
      albumIds: parseIds(r.album_ids),
    }));
  }
}

function parseIds(json: string): string[] {
  try {
    const ids: unknown = JSON.parse(json);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
