import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobsConfig } from '../config.js';
import { migrateToLatest, openPostgresDatabase, type Database } from '../db/database.js';
import { Repositories } from '../repositories/repositories.js';
import { eventually } from '../testing/harness.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';
import { JobQueue } from './job-queue.js';

const silent = pino({ level: 'silent' });
const config: JobsConfig = { workers: 4, pollMs: 20, lockMs: 60_000, maxAttempts: 3, backoffMs: 10, ingestQuietMs: 0 };

/** Two replicas: two connection pools on one PostgreSQL database, each with its own queue. */
describe('JobQueue on PostgreSQL: two replicas', () => {
  let testDb: TestDatabase;
  const pools: Database[] = [];
  const replica = async () => {
    const db = await openPostgresDatabase(testDb.url, { max: 4 });
    pools.push(db);
    return new Repositories(db);
  };

  beforeAll(async () => {
    testDb = await createTestDatabase('jobs');
    const db = await openPostgresDatabase(testDb.url);
    await migrateToLatest(db);
    await db.destroy();
  });
  afterAll(async () => {
    await Promise.all(pools.map((db) => db.destroy()));
    await testDb?.drop();
  });

  it('runs each of 100 jobs exactly once while two replicas race for them', async () => {
    const [a, b] = [await replica(), await replica()];
    const runs = new Map<string, string[]>();
    const queues = [a, b].map((repos, i) => {
      const queue = new JobQueue(repos, config, Date.now, silent);
      queue.register('count', async ({ n }: { n: string }) => {
        runs.set(n, [...(runs.get(n) ?? []), `replica-${i}`]);
        await new Promise((resolve) => setTimeout(resolve, 2));
      });
      return queue;
    });
    const ids = Array.from({ length: 100 }, (_, i) => `job-${i}`);
    await a.transaction(async (trx) => {
      for (const n of ids) await queues[0].enqueue(trx, 'count', { n });
    });
    queues.forEach((q) => q.start());
    try {
      await eventually(async () => ((await a.jobs.listByType('count')).every((j) => j.state === 'done') ? true : undefined), 10_000, 'every job done');
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
    }
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
    expect([...runs.values()].filter((r) => r.length !== 1)).toEqual([]);
    // Both replicas took part: the race was real.
    const byReplica = [...runs.values()].flat();
    expect(byReplica.filter((r) => r === 'replica-0').length).toBeGreaterThan(0);
    expect(byReplica.filter((r) => r === 'replica-1').length).toBeGreaterThan(0);
    expect((await a.jobs.listByType('count')).map((j) => j.attempts)).toEqual(Array(100).fill(1));
  });

  it('never hands one job to two claims, however many run at once (FOR UPDATE SKIP LOCKED)', async () => {
    const [a, b] = [await replica(), await replica()];
    const now = Date.now();
    await a.transaction(async (trx) => {
      for (let i = 0; i < 100; i++) await trx.jobs.enqueue({ id: randomUUID(), type: 'claim-race', payload: {}, runAfter: now - 1000 }, now);
    });
    // 30 claims of up to 5 at once, split over both pools: more asked for than there are jobs.
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).jobs.claim(now, 5, 60_000, 3)));
    const claimed = claims.flat().filter((j) => j.type === 'claim-race').map((j) => j.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBe(100);
  });

  it('runs again, on the other replica, a job whose worker died once its lock expired', async () => {
    const [dead, alive] = [await replica(), await replica()];
    const lockMs = 300;
    const id = randomUUID();
    await dead.jobs.enqueue({ id, type: 'orphan', payload: {}, runAfter: Date.now() }, Date.now());
    // The first replica claims the job, then dies (its pool is gone, the job stays `running`).
    const claimedAt = Date.now();
    const [claim] = (await dead.jobs.claim(claimedAt, 10, lockMs, 3)).filter((j) => j.id === id);
    expect(claim).toMatchObject({ state: 'running', attempts: 1 });
    const ran: number[] = [];
    const queue = new JobQueue(alive, { ...config, lockMs }, Date.now, silent);
    queue.register('orphan', async (_payload, context) => {
      ran.push(context.attempt);
    });
    queue.start();
    try {
      await eventually(async () => ((await alive.jobs.find(id))?.state === 'done' ? true : undefined), 5000, 'the orphaned job to run');
    } finally {
      await queue.stop();
    }
    expect(ran).toEqual([2]);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(lockMs);
    // The first worker was only slow after all: its late outcome no longer counts.
    expect(await dead.jobs.fail(claim, Date.now(), 'too late')).toBe(false);
    expect(await alive.jobs.find(id)).toMatchObject({ state: 'done', attempts: 2, last_error: null });
  });
});
