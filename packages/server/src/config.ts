import path from 'node:path';

export const GIB = 1024 ** 3;

/** Everything the server needs to know about where it runs; read once at start. */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  logLevel: string;
  /** Quota of a new account on the default plan. */
  defaultQuotaBytes: number;
  defaultPlan: string;
  /** Largest JSON body the API accepts; uploads go through tus and are not bound by it. */
  bodyLimit: number;
  loginRateLimit: { max: number; timeWindowMs: number };
  /** Interval of the `: ping` comment on idle event streams. */
  eventsPingMs: number;
  paths: { database: string; originals: string; uploads: string; tmp: string };
}

export interface ServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  logLevel?: string;
}

export function loadConfig(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = path.resolve(options.dataDir);
  return {
    dataDir,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8437,
    logLevel: options.logLevel ?? env.SKYROLL_LOG_LEVEL ?? 'info',
    defaultQuotaBytes: positiveInt(env.SKYROLL_DEFAULT_QUOTA_BYTES) ?? 5 * GIB,
    defaultPlan: 'free',
    bodyLimit: 1024 * 1024,
    loginRateLimit: { max: positiveInt(env.SKYROLL_LOGIN_RATE_MAX) ?? 10, timeWindowMs: 60_000 },
    eventsPingMs: positiveInt(env.SKYROLL_EVENTS_PING_MS) ?? 15_000,
    paths: {
      database: path.join(dataDir, 'skyroll.db'),
      originals: path.join(dataDir, 'originals'),
      uploads: path.join(dataDir, 'uploads'),
      tmp: path.join(dataDir, 'tmp'),
    },
  };
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${value}`);
  return n;
}
