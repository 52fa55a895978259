import { z } from 'zod';
import { isHlc } from './hlc.js';
import { isSafeRelativePath } from './path.js';

export const Checksum = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
export const AssetId = z.uuid();
export const RelativePath = z.string().refine(isSafeRelativePath, 'a safe relative path');
export const Email = z.email().max(254).transform((e) => e.toLowerCase());
export const Password = z.string().min(8, 'at least 8 characters').max(1024);

// ---- accounts and devices ----
export const SignupRequest = z.object({ email: Email, password: Password });
export const SignupResponse = z.object({ accountId: z.string(), email: z.string() });
export const LoginRequest = z.object({
  email: Email,
  password: z.string().min(1).max(1024),
  deviceName: z.string().min(1).max(200),
  /** `cookie`: a browser sign-in (see SESSION_COOKIE); the device is of kind `web`. */
  session: z.enum(['token', 'cookie']).optional(),
});
export const LoginResponse = z.object({
  accountId: z.string(),
  email: z.string(),
  deviceId: z.string(),
  /** The device's bearer token; absent for a browser session, whose token is only in the HttpOnly cookie. */
  token: z.string().optional(),
});
export const MeResponse = z.object({ accountId: z.string(), email: z.string(), deviceId: z.string(), deviceName: z.string() });

/** The account's plan and cloud storage (`GET /api/account/storage`); trash counts as used. */
export const StorageInfo = z.object({
  plan: z.string(),
  quotaBytes: z.number().int().nonnegative(),
  usedBytes: z.number().int().nonnegative(),
});
export type StorageInfo = z.infer<typeof StorageInfo>;

/** A plan the server offers: a name (`free`, `50gb`, …) and its quota. */
export const Plan = z.object({ name: z.string(), quotaBytes: z.number().int().nonnegative() });
export type Plan = z.infer<typeof Plan>;

/** Where the used bytes go; photos + videos + trash + versions = usedBytes (each stored original counted once). */
export const StorageBreakdown = z.object({
  photos: z.number().int().nonnegative(),
  videos: z.number().int().nonnegative(),
  trash: z.number().int().nonnegative(),
  versions: z.number().int().nonnegative(),
  /** Bytes of the current originals (live and trashed) by the device that added them. */
  byDevice: z.array(z.object({ deviceId: z.string(), name: z.string(), bytes: z.number().int().nonnegative() })),
});
export type StorageBreakdown = z.infer<typeof StorageBreakdown>;

/** `GET /api/account/storage` in full: StorageInfo plus where the bytes go and the plans on offer. */
export const StorageDetails = StorageInfo.extend({ breakdown: StorageBreakdown, plans: z.array(Plan) });
export type StorageDetails = z.infer<typeof StorageDetails>;

/** Details of a 507 QUOTA_EXCEEDED (upload creation and commit). */
export const QuotaExceededDetails = z.object({
  usedBytes: z.number().int().nonnegative(),
  quotaBytes: z.number().int().nonnegative(),
  neededBytes: z.number().int().nonnegative(),
  freeBytes: z.number().int().nonnegative(),
  /** The smallest plan whose quota fits usedBytes + neededBytes; null when none does. */
  suggestedPlan: z.string().nullable(),
});
export type QuotaExceededDetails = z.infer<typeof QuotaExceededDetails>;

/** Admin: put an account on a plan (`POST /api/admin/accounts/plan`, admin token of DATA/server.json). */
export const SetPlanRequest = z.object({ email: Email, plan: z.string().min(1).max(100) });
export const SetPlanResponse = z.object({ accountId: z.string(), email: z.string(), storage: StorageInfo });

// ---- device settings ----
/** Per-device settings, stored on the server so every device and the web app see them. */
export const DeviceSettings = z.object({
  /** "Sync this device". */
  sync: z.boolean(),
  /** May sync over cellular / metered networks. */
  mobileData: z.boolean(),
  /** On cellular, originals too (not only metadata and small versions). */
  unlimitedUpdates: z.boolean(),
  onlyWhenCharging: z.boolean(),
  /** Keep previews locally, originals in the cloud. */
  optimizeStorage: z.boolean(),
});
export type DeviceSettings = z.infer<typeof DeviceSettings>;
export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = {
  sync: true,
  mobileData: true,
  unlimitedUpdates: false,
  onlyWhenCharging: false,
  optimizeStorage: false,
};
/** PATCH body: any subset of the settings; unknown keys are refused. */
export const DeviceSettingsPatch = DeviceSettings.partial().strict();
export type DeviceSettingsPatch = z.infer<typeof DeviceSettingsPatch>;
// ---- device health ----
/**
 * Why something is not synced: the ids of `skyroll doctor`'s checks, in the order the doctor
 * walks them (the order people troubleshoot in), then the mass-deletion safety hold.
 */
export const Reason = z.enum([
  'account',
  'sync-enabled',
  'connection',
  'mobile-data',
  'cloud-storage',
  'device-storage',
  'agent',
  'version',
  'power',
  'mass-delete',
]);
export type Reason = z.infer<typeof Reason>;

/** How often a running agent reports its health; a report older than HEALTH_STALE_MS is stale. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const HEALTH_STALE_MS = 4 * HEARTBEAT_INTERVAL_MS;

/** `PUT /api/devices/me/health`: what a running agent reports (every HEARTBEAT_INTERVAL_MS and on change). */
export const DeviceHealthReport = z
  .object({
    agentVersion: z.string().min(1).max(50),
    protocol: z.number().int(),
    /** Items as `skyroll status` counts them. */
    synced: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
    blocked: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    /** Of the pending and blocked items: uploads, downloads, and the bytes they move. */
    uploads: z.number().int().nonnegative(),
    downloads: z.number().int().nonnegative(),
    pendingBytes: z.number().int().nonnegative(),
    /** What holds the device back (the reason most waiting items share); null when nothing does. */
    reason: Reason.nullable(),
    /** The reason in words, with its fix. */
    detail: z.string().max(2000).nullable(),
    lastError: z.object({ at: z.number(), message: z.string().max(2000) }).nullable(),
    /** When the agent last finished an action or moved bytes (epoch ms). */
    lastProgressAt: z.number().nullable(),
  })
  .strict();
export type DeviceHealthReport = z.infer<typeof DeviceHealthReport>;

/** A device's health as `GET /api/devices` serves it. */
export const DeviceHealth = DeviceHealthReport.extend({
  /** Server time the report arrived. */
  reportedAt: z.number(),
  /** No report for HEALTH_STALE_MS: the agent is not running or cannot reach the server. */
  stale: z.boolean(),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

/** `event: device` on `GET /api/events`: a device of the account reported new health. */
export const DevicePoke = z.object({ deviceId: z.string(), health: DeviceHealth });

export const DeviceIdParams = z.object({ id: z.uuid() });
export const Device = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  /** Last authenticated request, to the minute; null before the first one. */
  lastSeenAt: z.number().nullable(),
  revoked: z.boolean(),
  /** `agent` (a synced folder) or `web` (a browser session, which has no sync settings to act on). */
  kind: z.enum(['agent', 'web']),
  settings: DeviceSettings,
  /** The agent's last heartbeat; null for a device that never sent one (a browser, an old agent). */
  health: DeviceHealth.nullable(),
});
export type Device = z.infer<typeof Device>;
export const DevicesResponse = z.object({ devices: z.array(Device) });

export const ServerInfo = z.object({
  name: z.literal('skyroll'),
  version: z.string(),
  protocol: z.object({ min: z.number().int(), max: z.number().int() }),
  /** The newest agent this server knows of: an older agent is told an update is available. */
  latestAgentVersion: z.string(),
  /** Days an item stays in Recently Deleted before it is purged. */
  trashRetentionDays: z.number().positive(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

/** Details of a 426 UPDATE_REQUIRED: the protocol the client spoke and the range the server accepts. */
export const UpdateRequiredDetails = z.object({
  client: z.union([z.number(), z.string()]),
  min: z.number().int(),
  max: z.number().int(),
  serverVersion: z.string(),
});
export type UpdateRequiredDetails = z.infer<typeof UpdateRequiredDetails>;



// ---- assets ----
export const AssetType = z.enum(['photo', 'video']);
/** How far an original's thumbnail and preview are: being made, made, or given up on. */
export const MediaState = z.enum(['pending', 'ready', 'failed']);
export type MediaState = z.infer<typeof MediaState>;

export const Asset = z.object({
  id: AssetId,
  checksum: Checksum,
  size: z.number().int().nonnegative(),
  type: AssetType,
  mime: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Capture time from EXIF/QuickTime, epoch ms; null when the file has none. */
  takenAt: z.number().nullable(),
  /** Relative path on the device that added it; where other devices place it. */
  path: z.string(),
  originDeviceId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  trashedAt: z.number().nullable(),
  /** 1 for the first bytes; +1 each time a device saves new bytes over it. */
  version: z.number().int().positive(),
  /** Metadata, last writer wins per field (hybrid logical clocks: see AssetMetadata). */
  favorite: z.boolean(),
  hidden: z.boolean(),
  caption: z.string(),
  /** Ids of the albums that hold the asset. */
  albumIds: z.array(z.string()),
  /** Base64 thumbhash placeholder; null until the thumbnail is made (or when it failed). */
  thumbhash: z.string().nullable(),
  /** A video's duration in ms; null for photos and until the video was probed. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** Thumbnail + preview: `pending` until made, `failed` when the file could not be read (see `mediaError`). */
  media: MediaState,
  mediaError: z.string().nullable(),
});
export type Asset = z.infer<typeof Asset>;

/** One request for many hashes: which does the account lack? */
export const CheckRequest = z.object({ checksums: z.array(Checksum).min(1).max(1000) });
export const CheckState = z.enum(['missing', 'uploaded', 'live', 'trashed']);
export const CheckResponse = z.object({
  results: z.array(z.object({ checksum: Checksum, state: CheckState, assetId: AssetId.optional() })),
});

/** Make an uploaded original an asset (or a new version of one). Idempotent by checksum. */
export const CommitRequest = z.object({
  checksum: Checksum,
  path: RelativePath,
  /** File mtime on the device, epoch ms: the capture time when the file has no EXIF date. */
  mtime: z.number().optional(),
  /** Set when the device saved new bytes over a file it had synced as this asset. */
  replaces: z.object({ assetId: AssetId, checksum: Checksum }).optional(),
});
export const CommitResponse = z.object({ asset: Asset, created: z.boolean() });

export const MoveRequest = z.object({ path: RelativePath });
export const AssetIdsRequest = z.object({ assetIds: z.array(AssetId).min(1).max(1000) });
export const AssetsResponse = z.object({ assets: z.array(Asset) });
export const AssetIdParams = z.object({ id: AssetId });

// ---- metadata (favorite, hidden, caption, albums): last writer wins per field ----
/** A hybrid-logical-clock timestamp (see hlc.ts); the later one wins. */
export const Hlc = z.string().refine(isHlc, 'a hybrid logical clock timestamp');
/**
 * `PATCH /api/assets/:id/metadata` and, for many at once, `POST /api/assets/metadata` (with
 * `assetIds`). `hlc`: when the change was made on the client (an agent sends its own clock, so an
 * edit made offline is ordered by when it was made); omitted = now, by the server's clock. A field
 * changes only when `hlc` is later than the field's own; the response always carries the winner.
 */
export const AssetMetadataPatch = z
  .object({ favorite: z.boolean().optional(), hidden: z.boolean().optional(), caption: z.string().max(2000).optional(), hlc: Hlc.optional() })
  .strict();
export type AssetMetadataPatch = z.infer<typeof AssetMetadataPatch>;
export const AssetsMetadataPatch = AssetMetadataPatch.extend({ assetIds: z.array(AssetId).min(1).max(1000) }).strict();
export const AssetResponse = z.object({ asset: Asset });

export const AlbumId = z.uuid();
export const AlbumName = z.string().trim().min(1).max(200);
export const Album = z.object({
  id: AlbumId,
  name: z.string(),
  /** Live assets in the album (trashed ones are not counted). */
  assetCount: z.number().int().nonnegative(),
  /** The newest live asset's id, for a cover; null when empty. */
  coverAssetId: AssetId.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** A deleted album (a tombstone, so a late add on another device cannot bring it back). */
  deleted: z.boolean(),
});
export type Album = z.infer<typeof Album>;
export const AlbumsResponse = z.object({ albums: z.array(Album) });
export const AlbumResponse = z.object({ album: Album });
export const AlbumIdParams = z.object({ id: AlbumId });
/** `POST /api/albums`: `id` lets a device create an album offline and use it at once (idempotent). */
export const CreateAlbumRequest = z.object({ id: AlbumId.optional(), name: AlbumName, hlc: Hlc.optional() }).strict();
/** `PATCH /api/albums/:id`: rename. */
export const RenameAlbumRequest = z.object({ name: AlbumName, hlc: Hlc.optional() }).strict();
/** `DELETE /api/albums/:id` body (optional): when the delete was made. */
export const DeleteAlbumRequest = z.object({ hlc: Hlc.optional() }).strict();
/** `POST /api/albums/:id/assets` (add) and `DELETE /api/albums/:id/assets` (remove). */
export const AlbumAssetsRequest = z.object({ assetIds: z.array(AssetId).min(1).max(1000), hlc: Hlc.optional() }).strict();
/** Answer to an album add/remove: the album and the assets as they are now. */
export const AlbumAssetsResponse = z.object({ album: Album, assets: z.array(Asset) });

// ---- timeline: the library in time buckets, never all at once ----
/**
 * Filters shared by both timeline calls. The sort time of an asset is `takenAt ?? createdAt`;
 * buckets are calendar months in UTC, newest first. Hidden assets appear only with `hidden=true`
 * (and then only they); trashed assets never.
 */
export const TimelineFilter = z.object({
  favorite: z.enum(['true', 'false']).optional(),
  hidden: z.enum(['true', 'false']).optional(),
  albumId: AlbumId.optional(),
  type: AssetType.optional(),
});
/** `GET /api/timeline/buckets`: `{ buckets: [{ bucket: '2026-11', count }] }`. */
export const TimelineBucketsQuery = TimelineFilter;
export const TimelineBucketsResponse = z.object({
  buckets: z.array(z.object({ bucket: z.string().regex(/^\d{4}-\d{2}$/), count: z.number().int().positive() })),
  total: z.number().int().nonnegative(),
});
export type TimelineBucketsResponse = z.infer<typeof TimelineBucketsResponse>;
/** `GET /api/timeline/bucket?bucket=2026-11`: that month's assets, newest first, in a compact form. */
export const TimelineBucketQuery = TimelineFilter.extend({ bucket: z.string().regex(/^\d{4}-\d{2}$/) });
export const TimelineAsset = z.object({
  id: AssetId,
  /** takenAt ?? createdAt. */
  sortAt: z.number(),
  type: AssetType,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  favorite: z.boolean(),
  thumbhash: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  /** As Asset's: a client shows a placeholder for `failed` and waits for `event: media` while `pending`. */
  media: MediaState,
});
export type TimelineAsset = z.infer<typeof TimelineAsset>;
export const TimelineBucketResponse = z.object({ bucket: z.string(), assets: z.array(TimelineAsset) });
export type TimelineBucketResponse = z.infer<typeof TimelineBucketResponse>;

/** `GET /api/assets/:id/info`: what the viewer's info panel shows. */
export const AssetInfo = z.object({
  asset: Asset,
  fileName: z.string(),
  camera: z.object({ make: z.string().nullable(), model: z.string().nullable(), lens: z.string().nullable() }).nullable(),
  exposure: z
    .object({ fNumber: z.number().nullable(), exposureTime: z.number().nullable(), iso: z.number().nullable(), focalLength: z.number().nullable() })
    .nullable(),
  /** From EXIF GPS; null when the file has none. */
  location: z.object({ latitude: z.number(), longitude: z.number(), altitude: z.number().nullable() }).nullable(),
  derivatives: z.array(
    z.object({ kind: z.string(), state: z.enum(['pending', 'ready', 'failed']), width: z.number().nullable(), height: z.number().nullable(), error: z.string().nullable() }),
  ),
});
export type AssetInfo = z.infer<typeof AssetInfo>;

// ---- journal ----
export const JournalEntryType = z.enum([
  'asset.added',
  'asset.updated',
  'asset.moved',
  'asset.trashed',
  'asset.restored',
  'asset.purged',
  /** favorite / hidden / caption / album membership changed: `asset` carries the new values. */
  'asset.metadata',
  /** An album was created or renamed: `album` carries it; `assetId` is null. */
  'album.updated',
  /** An album was deleted: `album` carries its tombstone; `assetId` is null. */
  'album.deleted',
]);
export const JournalEntry = z.object({
  seq: z.number().int().positive(),
  type: JournalEntryType,
  /** The asset changed; null for album entries. */
  assetId: AssetId.nullable(),
  /** The asset as it is after this change (null once purged, and for album entries). */
  asset: Asset.nullable(),
  /** The album as it is after this change (album entries only). */
  album: Album.nullable(),
  deviceId: z.string().nullable(),
  at: z.number(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;
export const JournalQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export const JournalPage = z.object({
  entries: z.array(JournalEntry),
  /** Pass as `after` for the next page. */
  cursor: z.number().int().nonnegative(),
  more: z.boolean(),
  /** The newest sequence number of the account when the page was read. */
  head: z.number().int().nonnegative(),
});
export type JournalPage = z.infer<typeof JournalPage>;

/** Server-sent event on `GET /api/events`: `event: journal`, data `{ "head": N }`. */
export const JournalPoke = z.object({ head: z.number().int().nonnegative() });

/** `event: settings` on `GET /api/events`: a device's settings changed (sent to every device of the account). */
export const SettingsPoke = z.object({ deviceId: z.string(), settings: DeviceSettings });
/**
 * `event: resync` on `GET /api/events` (data `{}`): this replica lost touch with the others for a
 * moment, so pokes may have been missed: read settings, devices, storage and media state again
 * (the journal head follows as `event: journal`).
 */
export const RESYNC_EVENT = 'resync';
/** `event: account` on `GET /api/events`: the plan or the used bytes changed (upgrade, trash emptied). */
export const AccountPoke = StorageInfo;
/**
 * `event: media` on `GET /api/events`: an original's thumbnail and preview were made (`ready`) or
 * given up on (`failed`). `assetIds`: the account's assets showing that original; absent when
 * they are too many to list, meaning "read again the assets you show whose media is pending".
 */
export const MediaPoke = z.object({
  assetIds: z.array(AssetId).optional(),
  media: MediaState,
  /** The new thumbhash placeholder; null when failed. */
  thumbhash: z.string().nullable(),
  /** A video's duration, known once its poster was made; null for photos. */
  durationMs: z.number().int().nonnegative().nullable(),
});
export type MediaPoke = z.infer<typeof MediaPoke>;

// ---- trash ----
export const PurgeResponse = z.object({ count: z.number().int().nonnegative(), freedBytes: z.number().int().nonnegative() });
export type PurgeResponse = z.infer<typeof PurgeResponse>;

/** tus Upload-Metadata keys the server requires. */
export const UPLOAD_METADATA = { checksum: 'checksum', filename: 'filename' } as const;

export const ROUTES = {
  info: '/api/server/info',
  signup: '/api/auth/signup',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  check: '/api/assets/check',
  assets: '/api/assets',
  asset: (id: string) => `/api/assets/${id}`,
  original: (id: string) => `/api/assets/${id}/original`,
  trash: '/api/assets/trash',
  restore: '/api/assets/restore',
  trashList: '/api/trash',
  journal: '/api/journal',
  events: '/api/events',
  uploads: '/api/uploads',
  storage: '/api/account/storage',
  preview: (id: string) => `/api/assets/${id}/preview`,
  /** GET: the asset's 256 px WebP thumbnail; its thumbhash placeholder in the `x-thumbhash` header. */
  thumbnail: (id: string) => `/api/assets/${id}/thumbnail`,
  trashEmpty: '/api/trash/empty',
  trashPurge: '/api/trash/purge',
  devices: '/api/devices',
  mySettings: '/api/devices/me/settings',
  deviceSettings: (id: string) => `/api/devices/${id}/settings`,
  /** PUT: this device's heartbeat (DeviceHealthReport), 204. */
  myHealth: '/api/devices/me/health',
  /** DELETE: sign a device of the account out (revoke its token), 204. */
  device: (id: string) => `/api/devices/${id}`,
  adminPlan: '/api/admin/accounts/plan',
  /** PATCH (AssetMetadataPatch) → AssetResponse. */
  assetMetadata: (id: string) => `/api/assets/${id}/metadata`,
  /** POST (AssetsMetadataPatch) → AssetsResponse. */
  assetsMetadata: '/api/assets/metadata',
  /** GET → AssetInfo. */
  assetInfo: (id: string) => `/api/assets/${id}/info`,
  /** GET → AlbumsResponse (live albums; `?deleted=true` adds tombstones); POST (CreateAlbumRequest) → AlbumResponse. */
  albums: '/api/albums',
  /** GET / PATCH (rename) / DELETE. */
  album: (id: string) => `/api/albums/${id}`,
  /** POST add, DELETE remove (AlbumAssetsRequest) → AlbumAssetsResponse. */
  albumAssets: (id: string) => `/api/albums/${id}/assets`,
  timelineBuckets: '/api/timeline/buckets',
  timelineBucket: '/api/timeline/bucket',
  /** The OpenAPI document (JSON at /api/docs/json) and its browsable UI. */
  docs: '/api/docs',
} as const;

/**
 * Browser sessions: `POST /api/auth/login` with `{ ..., session: 'cookie' }` also sets an HttpOnly,
 * SameSite=Strict cookie holding the token (so <img> and EventSource are authenticated). A request
 * authenticated by that cookie alone must carry this header on every method but GET/HEAD
 * (a cross-site form cannot set it).
 */
export const SESSION_COOKIE = 'skyroll_session';
export const CSRF_HEADER = 'x-skyroll-csrf';
