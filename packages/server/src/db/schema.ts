import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Tables as Kysely sees them. Portable to PostgreSQL: ids are text (uuid), sizes and times are
 * bigint epoch-ms, read as numbers on both engines (the pg pool parses int8: see database.ts).
 */
export interface AccountTable {
  id: string;
  email: string;
  password_hash: string;
  plan: string;
  quota_bytes: number;
  used_bytes: Generated<number>;
  /** Newest journal sequence number; bumped in the transaction that appends the entry. */
  journal_head: Generated<number>;
  created_at: number;
}

export interface DeviceTable {
  id: string;
  account_id: string;
  name: string;
  /** SHA-256 (hex) of the device's bearer token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
  /** JSON of the settings changed from their defaults; null = all defaults. */
  settings_json: string | null;
  /** Last authenticated request, written at most once a minute. */
  last_seen_at: number | null;
  /** JSON of the agent's last DeviceHealthReport; null before its first heartbeat. */
  health_json: string | null;
  /** Server time the last heartbeat arrived. */
  health_at: number | null;
  /** `agent` (a synced folder) or `web` (a browser session). */
  kind: Generated<string>;
}

/** A verified original stored in the blob store, per account (dedup unit). */
export interface BlobTable {
  account_id: string;
  checksum: string;
  size: number;
  mime: string;
  type: string;
  width: number | null;
  height: number | null;
  taken_at: number | null;
  created_at: number;
  /** When the blob started counting toward the account's quota (first commit); null before. */
  counted_at: number | null;
  /**
   * JSON of the camera, exposure and GPS read from EXIF (MediaDetails); '{}' when the file has none
   * (or they cannot be read); null when never read (verified before they were kept).
   */
  details_json: string | null;
}

export interface AssetTable {
  id: string;
  account_id: string;
  checksum: string;
  path: string;
  origin_device_id: string | null;
  taken_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
  trashed_at: number | null;
  /** Metadata (0/1 for booleans), each with the hybrid-logical-clock time of the change that set it (null: never set). */
  favorite: Generated<number>;
  favorite_hlc: string | null;
  hidden: Generated<number>;
  hidden_hlc: string | null;
  caption: Generated<string>;
  caption_hlc: string | null;
}

/** An album of an account; `deleted` = 1 is a tombstone. */
export interface AlbumTable {
  account_id: string;
  id: string;
  name: string;
  name_hlc: string;
  deleted: Generated<number>;
  deleted_hlc: string | null;
  created_at: number;
  updated_at: number;
}

/** Album membership, a last-writer-wins element set: present = 0 records a removal. */
export interface AlbumAssetTable {
  account_id: string;
  album_id: string;
  asset_id: string;
  present: number;
  hlc: string;
  updated_at: number;
}

/** Earlier bytes of an asset: nothing a device saved over is lost. */
export interface AssetVersionTable {
  asset_id: string;
  version: number;
  checksum: string;
  created_at: number;
}

export interface JournalTable {
  account_id: string;
  seq: number;
  type: string;
  /** Null for album entries. */
  asset_id: string | null;
  device_id: string | null;
  at: number;
  /** JSON of the asset as it was right after this change; null once purged. */
  asset_json: string | null;
  /** JSON of the album as it was right after this change (album entries only). */
  album_json: string | null;
}

/** A derivative of a stored original (kind `preview` or `thumbnail`): `pending`, `ready` or `failed`. */
export interface DerivativeTable {
  account_id: string;
  checksum: string;
  kind: string;
  state: string;
  size: number | null;
  width: number | null;
  height: number | null;
  error: string | null;
  /** Base64 thumbhash of the image (kind `thumbnail` only). */
  thumbhash: string | null;
  /** A video's duration, from ffprobe (videos only). */
  duration_ms: number | null;
  updated_at: number;
}

/** One unit of background work; `running` with an expired lock means its worker died. */
export interface JobTable {
  id: string;
  type: string;
  /** JSON. */
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  run_after: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface DB {
  accounts: AccountTable;
  devices: DeviceTable;
  blobs: BlobTable;
  assets: AssetTable;
  asset_versions: AssetVersionTable;
  journal: JournalTable;
  derivatives: DerivativeTable;
  jobs: JobTable;
  albums: AlbumTable;
  album_assets: AlbumAssetTable;
}

export type AccountRow = Selectable<AccountTable>;
export type DeviceRow = Selectable<DeviceTable>;
export type BlobRow = Selectable<BlobTable>;
export type NewBlob = Insertable<BlobTable>;
export type AssetRow = Selectable<AssetTable>;
export type NewAsset = Insertable<AssetTable>;
export type AssetUpdate = Updateable<AssetTable>;
export type JournalRow = Selectable<JournalTable>;
export type DerivativeRow = Selectable<DerivativeTable>;
export type JobRow = Selectable<JobTable>;
export type AlbumRow = Selectable<AlbumTable>;
export type AlbumAssetRow = Selectable<AlbumAssetTable>;
