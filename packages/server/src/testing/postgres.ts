import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL of this machine (and of CI) that medium and end-to-end tests run on. */
export const TEST_POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

export interface TestDatabase {
  /** postgres://postgres@127.0.0.1:5432/skyroll_test_<label>_<random> */
  url: string;
  /** Drops the database (WITH (FORCE): connections still open are ended). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of its own for one test (file), dropped afterwards. PostgreSQL being
 * unreachable fails the test with a clear message: tests that need it never skip.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `skyroll_test_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  await admin(`create database ${name}`);
  const { host, port, user } = TEST_POSTGRES;
  let dropped: Promise<void> | undefined;
  return {
    url: `postgres://${user}@${host}:${port}/${name}`,
    drop: () => (dropped ??= admin(`drop database if exists ${name} with (force)`)),
  };
}

/** One statement on the maintenance database `postgres`. */
async function admin(statement: string): Promise<void> {
  const { host, port, user } = TEST_POSTGRES;
  const client = new pg.Client({ host, port, user, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new Error(`PostgreSQL is not reachable at ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
