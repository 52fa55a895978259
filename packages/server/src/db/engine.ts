import type { Kysely } from 'kysely';
import { PostgresAdapter } from './kysely.js';

export type Engine = 'sqlite' | 'postgres';

/** Which engine a database (or a transaction on it) runs on, for the few queries that differ. */
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
