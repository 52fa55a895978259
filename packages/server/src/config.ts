import os from 'node:os';
import path from 'node:path';
import { PROTOCOL_MAX, PROTOCOL_MIN, SKYROLL_VERSION } from '@skyroll/protocol';

const GB = 1000 ** 3;
const TB = 1000 ** 4;
const DAY_MS = 24 * 3600_000;

/** The plans on offer: name → quota in bytes (the free plan is the default of new accounts). */
export const DEFAULT_PLANS: Record<string, number> = {
  free: 5 * GB,
  '50gb': 50 * GB,
  '200gb': 200 * GB,
  '2tb': 2 * TB,
  '6tb': 6 * TB,
  '12tb': 12 * TB,
};

export type Clock = () => number;

export interface JobsConfig {
  /** Jobs run at once by this server; 0 runs none (another replica does). */
  workers: number;
  /** How often idle workers look for due jobs (new jobs of this server wake them at once). */
  pollMs: number;
  /** How long a claimed job is locked; after that a dead worker's job is claimed again. */
  lockMs: number;
  maxAttempts: number;
  /** Delay before the retry after the first failure; doubled per further failure. */
  backoffMs: number;
  /**
   * Background work waits until ingest has been quiet this long: on a small machine a preview
   * made while photos stream in takes CPU and I/O threads from the uploads (sync comes first).
   */
  ingestQuietMs: number;
}

/** Everything the server needs to know about where it runs; read once at start. */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  logLevel: string;
  /** Quota of a new account on the default plan. */
  defaultQuotaBytes: number;
  defaultPlan: string;
  /** Plans on offer, smallest first (the default plan among them). */
  plans: Array<{ name: string; quotaBytes: number }>;
  /** The server's time, epoch ms; Date.now() shifted by SKYROLL_CLOCK_OFFSET_MS (tests). */
  clock: Clock;
  /** Trashed assets older than this are purged. */
  trashRetentionMs: number;
  /** Interval of the trash retention sweep. */
  trashSweepMs: number;
  jobs: JobsConfig;
  /** `server.json`: URL and admin token of the running server, for `skyroll admin`. */
  serverFile: string;
  /** Largest JSON body the API accepts; uploads go through tus and are not bound by it. */
  bodyLimit: number;
  loginRateLimit: { max: number; timeWindowMs: number };
  /** Age after which an unfinished upload is deleted (its client starts over). */
  uploadExpiryMs: number;
  /** Interval of the `: ping` comment on idle event streams. */
  eventsPingMs: number;
  /** Protocol versions accepted (`skyroll-protocol` header) and advertised (server info). */
  protocol: ProtocolRange;
  /** Metadata, journal, jobs: the embedded SQLite file, or a PostgreSQL shared by replicas. */
  database: DatabaseConfig;
  /** Originals and derivatives: a folder (local, or a shared POSIX volume), or an S3 bucket. */
  blobs: BlobsConfig;
  /** The built web app to serve at / (SKYROLL_WEB_DIR); null: found beside the server's code. */
  webDir: string | null;
  /** `uploads`: unfinished tus uploads; shared by replicas (a shared volume) so any can resume one. */
  paths: { database: string; originals: string; uploads: string; tmp: string };
}

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type BlobsConfig =
  | { kind: 'fs'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix inside the bucket ('' or ending in '/'). */
      prefix: string;
      /** An S3-compatible endpoint (MinIO, Ceph RGW, Garage, R2); AWS when absent. */
      endpoint?: string;
      region: string;
      /** Path-style addressing (bucket in the path): what most self-hosted S3 servers need. */
      forcePathStyle: boolean;
    };

export interface ProtocolRange {
  min: number;
  max: number;
}

export interface ServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  logLevel?: string;
  /** `--db`: `postgres://…` (or `sqlite:PATH`); default SQLite in the data folder. Env SKYROLL_DB. */
  db?: string;
  /** `--blobs`: `s3://BUCKET[/PREFIX]?endpoint=…&region=…`, or a folder; default DATA/originals. Env SKYROLL_BLOBS. */
  blobs?: string;
  /** `--uploads`: folder of unfinished uploads, shared by replicas; default DATA/uploads. Env SKYROLL_UPLOADS_DIR. */
  uploads?: string;
}

export function loadConfig(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = path.resolve(options.dataDir);
  const plans = loadPlans(env);
  const clockOffsetMs = integer(env.SKYROLL_CLOCK_OFFSET_MS) ?? 0;
  return {
    dataDir,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8437,
    logLevel: options.logLevel ?? env.SKYROLL_LOG_LEVEL ?? 'info',
    defaultQuotaBytes: plans.find((p) => p.name === 'free')!.quotaBytes,
    defaultPlan: 'free',
    plans,
    clock: clockOffsetMs === 0 ? Date.now : () => Date.now() + clockOffsetMs,
    trashRetentionMs: (positiveInt(env.SKYROLL_TRASH_RETENTION_DAYS) ?? 30) * DAY_MS,
    trashSweepMs: positiveInt(env.SKYROLL_TRASH_SWEEP_MS) ?? 3600_000,
    jobs: {
      workers: positiveInt(env.SKYROLL_JOB_WORKERS) ?? os.availableParallelism(),
      pollMs: positiveInt(env.SKYROLL_JOB_POLL_MS) ?? 1000,
      lockMs: positiveInt(env.SKYROLL_JOB_LOCK_MS) ?? 10 * 60_000,
      maxAttempts: 3,
      backoffMs: positiveInt(env.SKYROLL_JOB_BACKOFF_MS) ?? 5000,
      ingestQuietMs: positiveInt(env.SKYROLL_JOB_INGEST_QUIET_MS) ?? 1000,
    },
    serverFile: path.join(dataDir, 'server.json'),
    bodyLimit: 1024 * 1024,
    loginRateLimit: { max: positiveInt(env.SKYROLL_LOGIN_RATE_MAX) ?? 10, timeWindowMs: 60_000 },
    uploadExpiryMs: positiveInt(env.SKYROLL_UPLOAD_EXPIRY_MS) ?? 7 * 24 * 3600_000,
    eventsPingMs: positiveInt(env.SKYROLL_EVENTS_PING_MS) ?? 15_000,
    protocol: loadProtocolRange(env),
    database: parseDatabase(options.db ?? env.SKYROLL_DB, dataDir),
    blobs: parseBlobs(options.blobs ?? env.SKYROLL_BLOBS, dataDir),
    webDir: env.SKYROLL_WEB_DIR ? path.resolve(env.SKYROLL_WEB_DIR) : null,
    paths: {
      database: path.join(dataDir, 'skyroll.db'),
      originals: path.join(dataDir, 'originals'),
      uploads: path.resolve(options.uploads ?? env.SKYROLL_UPLOADS_DIR ?? path.join(dataDir, 'uploads')),
      tmp: path.join(dataDir, 'tmp'),
    },
  };
}

/** `postgres://…` / `postgresql://…`, `sqlite:PATH`, or nothing (DATA/skyroll.db). */
export function parseDatabase(value: string | undefined, dataDir: string): DatabaseConfig {
  if (!value) return { kind: 'sqlite', file: path.join(dataDir, 'skyroll.db') };
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Error(`--db: not a PostgreSQL URL: ${redact(value)}`);
    }
    return { kind: 'postgres', url: value };
  }
  if (value.startsWith('sqlite:')) return { kind: 'sqlite', file: path.resolve(value.slice('sqlite:'.length).replace(/^\/\//, '')) };
  throw new Error(`--db: expected postgres://USER@HOST:PORT/DB or sqlite:PATH, got ${redact(value)}`);
}

/** `s3://BUCKET[/PREFIX]?endpoint=URL&region=R[&forcePathStyle=false]`, `file:///DIR` or a folder path. */
export function parseBlobs(value: string | undefined, dataDir: string): BlobsConfig {
  if (!value) return { kind: 'fs', dir: path.join(dataDir, 'originals') };
  if (value.startsWith('s3://')) {
    const url = new URL(value);
    if (!url.hostname) throw new Error(`--blobs: no bucket in ${value}`);
    const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    if (endpoint) new URL(endpoint);
    return {
      kind: 's3',
      bucket: url.hostname,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
      endpoint,
      region: url.searchParams.get('region') ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: (url.searchParams.get('forcePathStyle') ?? (endpoint ? 'true' : 'false')) !== 'false',
    };
  }
  if (value.startsWith('file://')) return { kind: 'fs', dir: path.resolve(new URL(value).pathname) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`--blobs: expected s3://BUCKET?endpoint=…&region=… or a folder, got ${value}`);
  return { kind: 'fs', dir: path.resolve(value) };
}

/** A URL as it may be printed: without its password. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/**
 * SKYROLL_PLANS (JSON `{"name": bytes}`) replaces the default table; SKYROLL_DEFAULT_QUOTA_BYTES
 * sets the quota of `free`, which always exists.
 */
function loadPlans(env: NodeJS.ProcessEnv): Array<{ name: string; quotaBytes: number }> {
  let table = DEFAULT_PLANS;
  if (env.SKYROLL_PLANS) {
    const parsed = JSON.parse(env.SKYROLL_PLANS) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('SKYROLL_PLANS: not a JSON object {"name": bytes}');
    table = {};
    for (const [name, bytes] of Object.entries(parsed)) {
      if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) throw new Error(`SKYROLL_PLANS: ${name}: not a byte count`);
      table[name] = bytes as number;
    }
  }
  const free = positiveInt(env.SKYROLL_DEFAULT_QUOTA_BYTES) ?? table.free ?? DEFAULT_PLANS.free;
  return Object.entries({ ...table, free })
    .map(([name, quotaBytes]) => ({ name, quotaBytes }))
    .sort((a, b) => a.quotaBytes - b.quotaBytes || a.name.localeCompare(b.name));
}

/**
 * SKYROLL_PROTOCOL_MIN lets an operator refuse older agents (426). It can only narrow what this build
 * speaks: a server started with a range it cannot serve would fail every request, so it does not start.
 */
export function loadProtocolRange(env: NodeJS.ProcessEnv): ProtocolRange {
  const raw = env.SKYROLL_PROTOCOL_MIN;
  if (raw === undefined || raw === '') return { min: PROTOCOL_MIN, max: PROTOCOL_MAX };
  const min = Number(raw);
  if (!Number.isSafeInteger(min) || min < PROTOCOL_MIN || min > PROTOCOL_MAX) {
    throw new Error(
      `SKYROLL_PROTOCOL_MIN=${raw}: this server (Skyroll ${SKYROLL_VERSION}) speaks protocols ${PROTOCOL_MIN} to ${PROTOCOL_MAX}; ` +
        `set an integer in that range, or unset it to accept them all`,
    );
  }
  return { min, max: PROTOCOL_MAX };
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${value}`);
  return n;
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${value}`);
  return n;
}
