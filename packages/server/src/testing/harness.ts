import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { buildApp } from '../app.js';
import { loadConfig, type DatabaseConfig } from '../config.js';
import { openDatabase, type Database, type Engine } from '../db/database.js';
import { createTestDatabase } from './postgres.js';

/** A real server on a temp data folder and a free port, for medium tests over real HTTP. */
export interface TestServer {
  url: string;
  dataDir: string;
  /** Its metadata store: DATA/skyroll.db, or the PostgreSQL of SKYROLL_DB. */
  database: DatabaseConfig;
  close(): Promise<void>;
}

/** A server on a new data folder; on PostgreSQL when env has SKYROLL_DB (see testEngine). */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-server-'));
  return startTestServerOn(dataDir, env);
}

/** A server on an existing data folder: a restart, or (same SKYROLL_DB) another replica. */
export async function startTestServerOn(dataDir: string, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ dataDir, host: '127.0.0.1', port: 0, logLevel: process.env.SKYROLL_LOG_LEVEL ?? 'silent' }, { ...process.env, ...env });
  const app = await buildApp(config);
  await app.listen({ host: config.host, port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, dataDir, database: config.database, close: () => app.close() };
}

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

/** Where a spec's servers keep their metadata: env for startTestServer, and cleanup for afterAll. */
export interface TestEngine {
  engine: Engine;
  /** {} for SQLite (a file per data folder); { SKYROLL_DB } of a database of its own for PostgreSQL. */
  env: Record<string, string>;
  /**
   * env of another, empty metadata store, for a server on a data folder of its own: a PostgreSQL
   * database is to a server what its data folder is (two servers on different folders sharing
   * one database would be two replicas without shared originals).
   */
  fresh(): Promise<Record<string, string>>;
  /** Drops every database env and fresh() made. */
  drop(): Promise<void>;
}

/**
 * The metadata store for the servers of a spec (file or describe block). On PostgreSQL a fresh
 * database, shared by the block's servers on one data folder (restarts, replicas).
 */
export async function testEngine(engine: Engine, label: string): Promise<TestEngine> {
  if (engine === 'sqlite') return { engine, env: {}, fresh: async () => ({}), drop: async () => {} };
  const databases = [await createTestDatabase(label)];
  return {
    engine,
    env: { SKYROLL_DB: databases[0].url },
    async fresh() {
      const db = await createTestDatabase(label);
      databases.push(db);
      return { SKYROLL_DB: db.url };
    },
    drop: async () => {
      await Promise.all(databases.map((db) => db.drop()));
    },
  };
}

/** What most route specs start from: a server on the engine, with Alice's and Bob's phones signed in. */
export interface SpecServer {
  server: TestServer;
  alice: Session;
  bob: Session;
  /** Stops the server, then drops its database. */
  close(): Promise<void>;
}

export async function startSpecServer(engine: Engine, label: string, env: Record<string, string> = {}): Promise<SpecServer> {
  const store = await testEngine(engine, label);
  const server = await startTestServer({ ...store.env, ...env });
  const [alice, bob] = await Promise.all([signupAndLogin(server.url, 'alice-phone'), signupAndLogin(server.url, 'bob-phone')]);
  return {
    server,
    alice,
    bob,
    async close() {
      try {
        await server.close();
      } finally {
        await store.drop();
      }
    },
  };
}

/** Jobs that run at once: workers poll every 50 ms, retry after 20 ms, and never wait for ingest to quiet down. */
export const FAST_JOBS = { SKYROLL_JOB_POLL_MS: '50', SKYROLL_JOB_BACKOFF_MS: '20', SKYROLL_JOB_INGEST_QUIET_MS: '0' } as const;

/** Raw SQL on an embedded server's database file (DATA/skyroll.db), for checks behind the API. */
export function withSqliteFile<T>(dataDir: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dataDir, 'skyroll.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Opens a test server's metadata store (closed state or not) for checks a test makes behind the API. */
export async function withDatabase<T>(server: Pick<TestServer, 'database'>, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(server.database);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: string | Uint8Array;
  token?: string;
  headers?: Record<string, string>;
}

export async function request<T = any>(base: string, route: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined = opts.body === undefined || typeof opts.body === 'string' ? opts.body : new Uint8Array(opts.body);
  if (opts.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(base + route, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: leave the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export interface Session {
  accountId: string;
  deviceId: string;
  token: string;
  email: string;
}

let accounts = 0;

export async function signupAndLogin(base: string, deviceName = 'test-device'): Promise<Session> {
  const email = `user${++accounts}-${process.pid}-${Date.now()}@example.com`;
  const password = 'correct horse battery';
  const signup = await request(base, '/api/auth/signup', { json: { email, password } });
  if (signup.status !== 200) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
  const login = await request(base, '/api/auth/login', { json: { email, password, deviceName } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { ...login.body, email };
}

/** Signs in once more to an existing account: a second device of the same library. */
export async function loginAgain(base: string, email: string, deviceName = 'second-device'): Promise<Session> {
  const login = await request(base, '/api/auth/login', { json: { email, password: 'correct horse battery', deviceName } });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { ...login.body, email };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A small JPEG of noise (so every seed gives different bytes) with an EXIF capture time. */
export async function makeJpeg(seed: number, dateTimeOriginal = '2024:05:01 12:34:56', size = { width: 64, height: 48 }): Promise<Buffer> {
  return sharp({ create: { ...size, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128 + (seed % 50), sigma: 30 } } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: `Skyroll test ${seed}` }, IFD2: { DateTimeOriginal: dateTimeOriginal } })
    .toBuffer();
}

/** A JPEG padded (with a COM segment after SOI) to exactly `size` bytes: same-size files for quota arithmetic. */
export function padJpeg(jpeg: Buffer, size: number): Buffer {
  const pad = size - jpeg.length - 4;
  if (pad < 0 || pad > 65533) throw new Error(`cannot pad a ${jpeg.length}-byte JPEG to ${size}`);
  const segment = Buffer.alloc(4 + pad, 0x20);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(pad + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** A JPEG whose pixels are width×height but whose EXIF Orientation (6: rotate 90° to view) swaps them on screen. */
export async function makeRotatedJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .jpeg({ quality: 70 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Uploads and commits one file; returns the committed asset. */
export async function uploadAndCommit(base: string, token: string, bytes: Uint8Array, path: string): Promise<any> {
  const upload = await tusUpload(base, token, bytes);
  if (upload.status !== 204) throw new Error(`upload failed: ${upload.status} ${JSON.stringify(upload.body)}`);
  const commit = await request(base, '/api/assets', { token, json: { checksum: sha256(bytes), path } });
  if (commit.status !== 200) throw new Error(`commit failed: ${commit.status} ${JSON.stringify(commit.body)}`);
  return commit.body.asset;
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The promise's value, or a failure naming `what` after ms. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export interface TusCreate {
  size: number;
  checksum?: string;
  filename?: string;
}

/** POST of the tus creation extension; returns the response (Location names the upload). */
export function tusCreate(base: string, token: string, create: TusCreate): Promise<ApiResponse> {
  const metadata = [
    create.checksum !== undefined ? `checksum ${b64(create.checksum)}` : undefined,
    create.filename !== undefined ? `filename ${b64(create.filename)}` : undefined,
  ].filter(Boolean);
  return request(base, '/api/uploads', {
    method: 'POST',
    token,
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(create.size), 'upload-metadata': metadata.join(',') },
  });
}

export function tusPatch(base: string, token: string, location: string, offset: number, bytes: Uint8Array): Promise<ApiResponse> {
  return request(base, location, {
    method: 'PATCH',
    token,
    body: bytes,
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
  });
}

/** Creates an upload and sends all its bytes; returns the final PATCH response. */
export async function tusUpload(base: string, token: string, bytes: Uint8Array, checksum = sha256(bytes)): Promise<ApiResponse> {
  const created = await tusCreate(base, token, { size: bytes.length, checksum, filename: 'IMG.jpg' });
  if (created.status !== 201) return created;
  return tusPatch(base, token, created.headers.get('location')!, 0, bytes);
}

/** Feeds each blank-line-separated block of an SSE response to onBlock, in the background, until it ends or is aborted. */
function readEventBlocks(res: Response, onBlock: (block: string) => void): void {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
  })();
}

/** Reads Server-Sent Events from GET /api/events; `next()` resolves with the next journal head. */
export async function openEvents(base: string, token: string, viaQuery = false) {
  const controller = new AbortController();
  const res = await fetch(viaQuery ? `${base}/api/events?token=${token}` : `${base}/api/events`, {
    headers: viaQuery ? {} : { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const heads: number[] = [];
  let pings = 0;
  const waiters: Array<() => void> = [];
  readEventBlocks(res, (block) => {
    const data = /^event: journal\ndata: (.*)$/m.exec(block);
    if (data) heads.push((JSON.parse(data[1]) as { head: number }).head);
    if (block.startsWith(': ping')) pings++;
    waiters.splice(0).forEach((w) => w());
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    heads,
    pings: () => pings,
    /** Waits until a head >= min arrives. */
    async waitFor(min: number, timeoutMs = 2000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      while (!heads.some((h) => h >= min)) {
        if (Date.now() > deadline) throw new Error(`no journal head >= ${min}; got ${JSON.stringify(heads)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return heads.find((h) => h >= min)!;
    },
    close: () => controller.abort(),
  };
}

export interface ServerSentEvent {
  event: string;
  data: any;
  at: number;
}

/** Reads every named event of GET /api/events (journal, settings, account); `next(type)` waits for the next of a type. */
export async function openEventStream(base: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const events: ServerSentEvent[] = [];
  readEventBlocks(res, (block) => {
    const m = /^event: (\S+)\ndata: (.*)$/m.exec(block);
    if (m) events.push({ event: m[1], data: JSON.parse(m[2]), at: Date.now() });
  });
  return {
    events,
    /** The first event of `type` matching `match`, arriving within timeoutMs. */
    waitFor(type: string, match: (data: any) => boolean = () => true, timeoutMs = 1000): Promise<ServerSentEvent> {
      return eventually(async () => events.find((e) => e.event === type && match(e.data)), timeoutMs, `event: ${type}`);
    },
    close: () => controller.abort(),
  };
}
