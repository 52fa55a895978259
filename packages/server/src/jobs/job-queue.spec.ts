import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobsConfig } from '../config.js';
import { migrateToLatest, openSqliteDatabase, type Database } from '../db/database.js';
import { Repositories } from '../repositories/repositories.js';
import { eventually } from '../testing/harness.js';
import { JobQueue } from './job-queue.js';

const silent = pino({ level: 'silent' });
const config: JobsConfig = { workers: 2, pollMs: 20, lockMs: 60_000, maxAttempts: 3, backoffMs: 5, ingestQuietMs: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The queue on the embedded SQLite: what a server restart finds, and what it does with it. */
describe('JobQueue: restarts, failures, concurrency', () => {
  let dir: string;
  let db: Database;
  let repos: Repositories;
  const queues: JobQueue[] = [];
  const queue = (overrides: Partial<JobsConfig> = {}) => {
    const q = new JobQueue(repos, { ...config, ...overrides }, Date.now, silent);
    queues.push(q);
    return q;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-jobs-'));
    db = openSqliteDatabase(path.join(dir, 'skyroll.db'));
    await migrateToLatest(db);
    repos = new Repositories(db);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs again after a restart a job whose worker died mid-run, once its lock expired', async () => {
    const id = randomUUID();
    await repos.jobs.enqueue({ id, type: 'work', payload: { n: 1 }, runAfter: Date.now() }, Date.now());
    // The previous server claimed it and was killed: the row stays `running` with its lock.
    const [claimed] = await repos.jobs.claim(Date.now(), 1, 200, 3);
    expect(claimed).toMatchObject({ id, state: 'running', attempts: 1 });
    const runs: number[] = [];
    const restarted = queue({ lockMs: 200 });
    restarted.register('work', async (_payload, context) => {
      runs.push(context.attempt);
    });
    restarted.start();
    await eventually(async () => ((await repos.jobs.find(id))?.state === 'done' ? true : undefined), 5000, 'the orphaned job to run');
    expect(runs).toEqual([2]);
  });

  it('ends a job that keeps failing as failed after maxAttempts runs, and never runs it again', async () => {
    const id = randomUUID();
    await repos.jobs.enqueue({ id, type: 'doomed', payload: {}, runAfter: Date.now() }, Date.now());
    const finals: boolean[] = [];
    const q = queue();
    q.register('doomed', async (_payload, context) => {
      finals.push(context.final);
      throw new Error('cannot decode');
    });
    q.start();
    await eventually(async () => ((await repos.jobs.find(id))?.state === 'failed' ? true : undefined), 5000, 'the job to fail');
    await sleep(150); // several polls: nothing more may run
    expect(finals).toEqual([false, false, true]);
    expect(await repos.jobs.find(id)).toMatchObject({ state: 'failed', attempts: 3, last_error: 'cannot decode' });
  });

  it('gives up a job whose worker died on its last attempt, and tells its type (onAbandoned)', async () => {
    const id = randomUUID();
    await repos.jobs.enqueue({ id, type: 'crashy', payload: { checksum: 'abc' }, runAfter: Date.now() }, Date.now());
    for (let i = 0; i < 3; i++) {
      await repos.jobs.claim(Date.now(), 1, 1, 3);
      await sleep(5);
    }
    const abandoned: unknown[] = [];
    const q = queue();
    q.register('crashy', async () => {
      throw new Error('must not run a fourth time');
    }, { onAbandoned: async (payload, error) => void abandoned.push({ payload, error }) });
    q.start();
    await eventually(async () => (abandoned.length ? true : undefined), 5000, 'the job to be given up');
    expect(abandoned).toEqual([{ payload: { checksum: 'abc' }, error: expect.stringMatching(/abandoned/) }]);
    expect(await repos.jobs.find(id)).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('runs a type with its own concurrency in its own workers, never more at once, beside the shared ones', async () => {
    const now = Date.now();
    for (let i = 0; i < 6; i++) await repos.jobs.enqueue({ id: randomUUID(), type: 'media', payload: {}, runAfter: now }, now);
    let running = 0;
    let most = 0;
    let sweptWhileBusy = false;
    const q = queue({ workers: 1 });
    q.register('media', async () => {
      most = Math.max(most, ++running);
      await sleep(60);
      running--;
    }, { concurrency: 2 });
    q.register('sweep', async () => {
      await sleep(20);
      sweptWhileBusy = running > 0;
    });
    await repos.jobs.enqueue({ id: randomUUID(), type: 'sweep', payload: {}, runAfter: now }, now);
    q.start();
    await eventually(
      async () => ((await repos.jobs.listByType('media')).every((j) => j.state === 'done') ? true : undefined),
      5000,
      'every media job',
    );
    expect(most).toBe(2);
    expect(sweptWhileBusy).toBe(true);
  });

  it('runs start-up tasks once, before the first claim', async () => {
    const order: string[] = [];
    const q = queue();
    q.register('after', async () => void order.push('job'));
    q.atStart(async () => {
      order.push('start-up');
      await repos.transaction((trx) => q.enqueue(trx, 'after', {}));
    });
    q.start();
    await eventually(async () => (order.includes('job') ? true : undefined), 5000, 'the job');
    expect(order).toEqual(['start-up', 'job']);
  });
  it('prunes finished jobs: done ones after a day, failed ones after a month; never live ones', async () => {
    const day = 24 * 3_600_000;
    const now = Date.now();
    const add = async (state: 'queued' | 'running' | 'done' | 'failed', age: number) => {
      const id = randomUUID();
      await repos.jobs.enqueue({ id, type: 'old', payload: {}, runAfter: now - age }, now - age);
      await db.updateTable('jobs').set({ state, updated_at: now - age }).where('id', '=', id).execute();
      return id;
    };
    const kept = [await add('done', day / 2), await add('failed', 10 * day), await add('queued', 60 * day), await add('running', 60 * day)];
    const pruned = [await add('done', 2 * day), await add('failed', 31 * day)];
    const q = queue({ workers: 0 });
    const next = await q.pruneFinished();
    expect(next.runAgainAt).toBeGreaterThan(now);
    for (const id of kept) expect(await repos.jobs.find(id), `job ${id} kept`).toBeDefined();
    for (const id of pruned) expect(await repos.jobs.find(id), `job ${id} pruned`).toBeUndefined();
  });
});
