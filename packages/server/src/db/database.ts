import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Kysely as KyselyType } from 'kysely';
import type { PoolConfig } from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from './kysely.js';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';
import { redact, type DatabaseConfig } from '../config.js';

export type Database = KyselyType<DB>;
export { engineOf, type Engine } from './engine.js';

/** Opens the embedded SQLite database: WAL, fsync on every commit, foreign keys enforced. */
export function openSqliteDatabase(file: string): Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** PostgreSQL's type id of bigint (int8): COUNT(*) and every bigint column. */
const INT8_OID = 20;

/**
 * bigint columns (epoch-ms times, byte counts, journal sequence numbers) read as JS numbers, as
 * on SQLite: pg's default is a string, since int8 can exceed 2^53. Ours stay far below it (a
 * time in ms is ~2^41, 12 TB ~2^44), and a value that does not fit fails loudly instead of
 * losing digits. Set on this pool only, not on pg's process-wide table.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return n;
}

/** Opens a pool on PostgreSQL (shared by the replicas) and checks that it answers. */
export async function openPostgresDatabase(url: string, options: Pick<PoolConfig, 'max'> = {}): Promise<Database> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'skyroll',
    max: options.max ?? 10,
    // A request fails after 10 s without a connection (server gone, pool exhausted) instead of hanging.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server dropped (restart, failover) is discarded by the pool; without
  // a listener its 'error' would end the process. The next query reports its own failure.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new Error(`PostgreSQL is not reachable at ${redact(url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return db;
}

/** The configured metadata store: the embedded SQLite file, or PostgreSQL for several replicas. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'sqlite') return openSqliteDatabase(config.file);
  return openPostgresDatabase(config.url);
}

/**
 * Applies the pending migrations. On PostgreSQL, Kysely's Migrator holds a session advisory lock
 * while it reads the applied migrations and runs the rest in one transaction, so replicas that
 * start together apply each migration once (the others wait, then find nothing to do).
 */
export async function migrateToLatest(db: Database): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
