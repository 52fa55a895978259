import type { Album } from '@skyroll/protocol';
import type { Db } from './database.js';

/** An album as the cloud last said; `deleted` ones are tombstones (kept so a late entry cannot revive them). */
export interface AlbumRecord {
  id: string;
  name: string;
  deleted: boolean;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  deleted: number;
  created_at: number;
  updated_at: number;
}

/** The account's albums, from the journal's `album.updated` / `album.deleted` entries and our own answers. */
export class AlbumRepository {
  constructor(private readonly db: Db) {}

  all(): AlbumRecord[] {
    return (this.db.prepare('SELECT * FROM album ORDER BY name, id').all() as Row[]).map(toRecord);
  }

  get(id: string): AlbumRecord | undefined {
    const row = this.db.prepare('SELECT * FROM album WHERE id = ?').get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /** Records an album unless a newer state is known; a deletion is never undone. */
  put(album: Album): void {
    this.db
      .prepare(
        `INSERT INTO album (id, name, deleted, created_at, updated_at) VALUES (@id, @name, @deleted, @createdAt, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET
           name = CASE WHEN excluded.updated_at >= album.updated_at THEN excluded.name ELSE album.name END,
           updated_at = max(album.updated_at, excluded.updated_at),
           deleted = max(album.deleted, excluded.deleted)`,
      )
      .run({ id: album.id, name: album.name, deleted: album.deleted ? 1 : 0, createdAt: album.createdAt, updatedAt: album.updatedAt });
  }
}

function toRecord(r: Row): AlbumRecord {
  return { id: r.id, name: r.name, deleted: r.deleted === 1, createdAt: r.created_at, updatedAt: r.updated_at };
}
