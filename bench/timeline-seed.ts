/**
 * A large library written straight into a server's embedded SQLite database (the server stopped,
 * its migrations already applied by its own start): N assets over ~10 years, as a phone's camera
 * roll would have them — mostly photos, some videos, a few favorites and hidden ones, some without
 * a capture date — each with its blob and a ready thumbnail row carrying a thumbhash. No files:
 * only the metadata the timeline reads. One transaction, so 100,000 assets take seconds.
 */
import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { rgbaToThumbHash } from 'thumbhash';

export interface SeedOptions {
  /** The database file (DATA/skyroll.db). */
  file: string;
  /** The account the assets belong to (it must exist). */
  email: string;
  count: number;
  /** Years back from `now` the capture times spread over. */
  years?: number;
  now?: number;
  seed?: number;
}

export interface SeedResult {
  accountId: string;
  assets: number;
  favorites: number;
  hidden: number;
  videos: number;
  bytes: number;
  seconds: number;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const SHAPES: ReadonlyArray<[number, number]> = [
  [4032, 3024],
  [3024, 4032],
  [4000, 3000],
  [1920, 1080],
  [1080, 1920],
  [3000, 3000],
];

export function seedTimeline(options: SeedOptions): SeedResult {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const span = (options.years ?? 10) * YEAR_MS;
  const random = xorshift(options.seed ?? 1);
  const thumbhashes = placeholderThumbhashes(random);
  const db = new Database(options.file);
  try {
    db.pragma('journal_mode = WAL');
    const account = db.prepare('select id from accounts where email = ?').get(options.email) as { id: string } | undefined;
    if (!account) throw new Error(`no account ${options.email} in ${options.file}`);
    const insertBlob = db.prepare(
      `insert into blobs (account_id, checksum, size, mime, type, width, height, taken_at, created_at, counted_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertAsset = db.prepare(
      `insert into assets (id, account_id, checksum, path, origin_device_id, taken_at, version, created_at, updated_at, trashed_at, favorite, hidden)
       values (?, ?, ?, ?, null, ?, 1, ?, ?, null, ?, ?)`,
    );
    const insertThumbnail = db.prepare(
      `insert into derivatives (account_id, checksum, kind, state, size, width, height, error, thumbhash, duration_ms, updated_at)
       values (?, ?, 'thumbnail', 'ready', ?, ?, ?, null, ?, ?, ?)`,
    );
    const result = { accountId: account.id, assets: 0, favorites: 0, hidden: 0, videos: 0, bytes: 0 };
    db.transaction(() => {
      for (let i = 0; i < options.count; i++) {
        const sortAt = Math.round(now - random() * span);
        // Screenshots and downloads have no capture date: sorted by when they were added.
        const takenAt = random() < 0.03 ? null : sortAt;
        const createdAt = takenAt === null ? sortAt : sortAt + Math.round(random() * 86_400_000);
        const video = random() < 0.08;
        const [width, height] = SHAPES[Math.floor(random() * SHAPES.length)];
        const size = video ? 8e6 + Math.round(random() * 60e6) : 1.5e6 + Math.round(random() * 3e6);
        const favorite = random() < 0.04 ? 1 : 0;
        const hidden = random() < 0.005 ? 1 : 0;
        const checksum = createHash('sha256').update(`skyroll-bench-timeline-${options.seed ?? 1}-${i}`).digest('hex');
        const name = `${video ? 'VID' : 'IMG'}_${String(i).padStart(6, '0')}.${video ? 'mp4' : 'jpg'}`;
        insertBlob.run(account.id, checksum, size, video ? 'video/mp4' : 'image/jpeg', video ? 'video' : 'photo', width, height, takenAt, createdAt, createdAt);
        insertAsset.run(randomUUID(), account.id, checksum, `Camera/${name}`, takenAt, createdAt, createdAt, favorite, hidden);
        const scale = 256 / Math.max(width, height);
        insertThumbnail.run(
          account.id,
          checksum,
          9_000,
          Math.round(width * scale),
          Math.round(height * scale),
          thumbhashes[i % thumbhashes.length],
          video ? 3_000 + Math.round(random() * 120_000) : null,
          createdAt,
        );
        result.assets++;
        result.favorites += favorite;
        result.hidden += hidden;
        result.videos += video ? 1 : 0;
        result.bytes += size;
      }
      db.prepare('update accounts set used_bytes = used_bytes + ?, quota_bytes = max(quota_bytes, ?) where id = ?').run(
        result.bytes,
        result.bytes * 2,
        account.id,
      );
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('analyze');
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/** A few real thumbhashes (of small two-colour gradients), so placeholders decode as real ones do. */
function placeholderThumbhashes(random: () => number): string[] {
  const out: string[] = [];
  for (let n = 0; n < 16; n++) {
    const [w, h] = [32, 24];
    const rgba = new Uint8Array(w * h * 4);
    const a = [random() * 255, random() * 255, random() * 255];
    const b = [random() * 255, random() * 255, random() * 255];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const t = (x + y) / (w + h);
        const p = (y * w + x) * 4;
        for (let c = 0; c < 3; c++) rgba[p + c] = Math.round(a[c] * (1 - t) + b[c] * t);
        rgba[p + 3] = 255;
      }
    }
    out.push(Buffer.from(rgbaToThumbHash(w, h, rgba)).toString('base64'));
  }
  return out;
}

/** A small deterministic generator: the same seed always gives the same library. */
function xorshift(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
