import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from './kysely.js';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';
import type { DatabaseConfig } from '../config.js';

export type Database = import('kysely').Kysely<DB>;

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

/** The configured metadata store. PostgreSQL support: see the PostgreSQL dialect (to come). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'sqlite') return openSqliteDatabase(config.file);
  throw new Error('PostgreSQL is not supported yet');
}

export async function migrateToLatest(db: Database): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
