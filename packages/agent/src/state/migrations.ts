/** Schema of the device state, one step per version (PRAGMA user_version). Append only. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE remote_asset (
    id TEXT PRIMARY KEY,
    checksum TEXT NOT NULL,
    path TEXT NOT NULL,
    trashed INTEGER NOT NULL,
    version INTEGER NOT NULL,
    size INTEGER NOT NULL
  );
  CREATE INDEX remote_asset_checksum ON remote_asset (checksum);
  CREATE TABLE base (
    path TEXT PRIMARY KEY,
    asset_id TEXT NOT NULL,
    checksum TEXT NOT NULL,
    remote_path TEXT NOT NULL,
    dev TEXT NOT NULL,
    ino TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns TEXT NOT NULL
  );
  CREATE INDEX base_asset ON base (asset_id);
  CREATE TABLE hash_cache (
    dev TEXT NOT NULL,
    ino TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns TEXT NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (dev, ino)
  );
  CREATE TABLE pending_upload (
    checksum TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE item (
    path TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    reason TEXT,
    detail TEXT,
    checksum TEXT,
    updated_at INTEGER NOT NULL
  );
  `,
  // Journal entries and our own actions' answers may arrive out of order: keep the newest.
  `ALTER TABLE remote_asset ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;`,
  // Optimize Storage: originals this device holds as their previews.
  `CREATE TABLE placeholder (
    path TEXT PRIMARY KEY,
    asset_id TEXT NOT NULL,
    checksum TEXT NOT NULL,
    placeholder_checksum TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX placeholder_checksum ON placeholder (placeholder_checksum);`,
  // What each waiting item would move, so health and doctor can weigh pending work.
  `ALTER TABLE item ADD COLUMN transfer TEXT;
  ALTER TABLE item ADD COLUMN bytes INTEGER;`,
  // Metadata (last writer wins per field on the server): what the journal says of each asset,
  // the albums (deleted ones kept as tombstones), and the changes made here not yet delivered.
  `ALTER TABLE remote_asset ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE remote_asset ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE remote_asset ADD COLUMN caption TEXT NOT NULL DEFAULT '';
  ALTER TABLE remote_asset ADD COLUMN album_ids TEXT NOT NULL DEFAULT '[]';
  CREATE TABLE album (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE metadata_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    hlc TEXT NOT NULL,
    change TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL
  );`,
];
