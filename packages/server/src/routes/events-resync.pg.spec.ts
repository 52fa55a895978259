import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, request, signupAndLogin, startTestServer, type Session, type TestServer } from '../testing/harness.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';

/**
 * A replica whose LISTEN session drops (a failover, an administrator) misses the pokes sent
 * meanwhile. Its event streams then say so (`event: resync`), so a device reads its settings,
 * storage and media state again instead of waiting for the next change.
 */
describe('event streams after the replica lost its LISTEN session', () => {
  let database: TestDatabase;
  let server: TestServer;
  let alice: Session;

  beforeAll(async () => {
    database = await createTestDatabase('resync');
    server = await startTestServer({ SKYROLL_DB: database.url });
    alice = await signupAndLogin(server.url, 'alice-phone');
  });
  afterAll(async () => {
    try {
      await server?.close();
    } finally {
      await database?.drop();
    }
  });

  it('tell their devices to read again what pokes carry; pokes flow again after', async () => {
    const stream = await openEventStream(server.url, alice.token);
    try {
      expect((await stream.waitFor('journal')).data).toEqual({ head: 0 });
      expect(stream.events.some((e) => e.event === 'resync')).toBe(false);
      expect(await terminateListeners(database.url)).toBeGreaterThan(0);
      expect((await stream.waitFor('resync', () => true, 10_000)).data).toEqual({});
      // The session is back: a change on this replica still reaches the stream.
      const created = await request(server.url, '/api/albums', { token: alice.token, json: { name: 'After the failover' } });
      expect(created.status).toBe(200);
      await stream.waitFor('journal', (data: { head: number }) => data.head === 1, 5000);
    } finally {
      stream.close();
    }
  });
});

/** pg_terminate_backend on every session of the database waiting in LISTEN. */
async function terminateListeners(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`,
    );
    return rows.filter((r) => r.ok).length;
  } finally {
    await admin.end();
  }
}
