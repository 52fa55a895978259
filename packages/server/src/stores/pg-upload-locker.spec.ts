import pg from 'pg';
import { ERRORS, type Lock } from '@tus/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PgSession } from '../events/pg-session.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';
import { PgUploadLocker } from './pg-upload-locker.js';

/** Two replicas' lockers (each its own PostgreSQL session) on one database. */
describe('PgUploadLocker (advisory locks between replicas)', () => {
  let database: TestDatabase;
  let sessions: PgSession[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('upload_locker');
  });
  afterAll(async () => {
    await database?.drop();
  });
  afterEach(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    sessions = [];
  });

  async function replica(acquireTimeoutMs = 2000): Promise<PgUploadLocker> {
    const session = await PgSession.open(database.url, { backoffMs: 20, maxBackoffMs: 200 });
    sessions.push(session);
    const locker = new PgUploadLocker(session, { acquireTimeoutMs, pollMs: 20 });
    await session.ready();
    return locker;
  }

  const never = () => new AbortController().signal;

  async function lock(locker: PgUploadLocker, id: string, onRelease: () => void = () => {}): Promise<Lock> {
    const l = locker.newLock(id);
    await l.lock(never(), onRelease);
    return l;
  }

  it('keeps an upload locked on one replica from the other, which gets it after unlock', async () => {
    const [one, two] = [await replica(), await replica(300)];
    const held = await lock(one, 'acc_1');
    expect(await two.tryLock('acc_1')).toBeUndefined();
    await expect(two.newLock('acc_1').lock(never(), () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    // Another upload is free all the while.
    const other = await lock(two, 'acc_2');
    await other.unlock();

    await held.unlock();
    const mine = await two.tryLock('acc_1');
    expect(mine).toBeDefined();
    expect(await one.tryLock('acc_1')).toBeUndefined();
    await mine!.unlock();
  });

  it('hands the lock over to a waiting replica as soon as it is released', async () => {
    const [one, two] = [await replica(), await replica()];
    const held = await lock(one, 'acc_3');
    const started = performance.now();
    const waiting = lock(two, 'acc_3');
    setTimeout(() => void held.unlock(), 200);
    const got = await waiting;
    expect(performance.now() - started).toBeLessThan(1000);
    await got.unlock();
  });

  it('asks the holder on another replica to let go (as tus asks within one process)', async () => {
    const [one, two] = [await replica(), await replica()];
    let held: Lock | undefined;
    let asked = 0;
    // The holder does as a tus request does when asked: ends, then unlocks.
    held = await lock(one, 'acc_4', () => {
      asked++;
      void held?.unlock();
      held = undefined;
    });
    const got = await lock(two, 'acc_4');
    expect(asked).toBeGreaterThanOrEqual(1);
    await got.unlock();
  });

  it('lets the other replica have the lock when the holder’s connection dies, and asks its request to stop', async () => {
    const [one, two] = [await replica(), await replica()];
    let asked = 0;
    const held = await lock(one, 'acc_5', () => asked++);
    expect(await two.tryLock('acc_5')).toBeUndefined();

    await terminate(sessions[0]);
    const got = await waitFor(() => two.tryLock('acc_5'));
    // Its request is told the lock is gone; unlocking it afterwards is harmless.
    expect(asked).toBeGreaterThanOrEqual(1);
    await held.unlock();
    expect(await one.tryLock('acc_5')).toBeUndefined();
    await got.unlock();

    // The dead replica's session is back and can lock again.
    const again = await waitFor(() => one.tryLock('acc_5'));
    await again.unlock();
  });

  it('within one replica, lets one request at a time hold an upload', async () => {
    const one = await replica(300);
    const held = await lock(one, 'acc_6');
    expect(await one.tryLock('acc_6')).toBeUndefined();
    await expect(one.newLock('acc_6').lock(never(), () => {})).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await held.unlock();
    const again = await one.tryLock('acc_6');
    expect(again).toBeDefined();
    await again!.unlock();
  });

  async function terminate(session: PgSession): Promise<void> {
    const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', []);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
  }
});

async function waitFor<T>(attempt: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
