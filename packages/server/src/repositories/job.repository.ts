import type { Kysely } from 'kysely';
import { sql } from '../db/kysely.js';
import type { DB, JobRow } from '../db/schema.js';

export interface NewJob {
  id: string;
  type: string;
  payload: unknown;
  runAfter: number;
}

/**
 * The jobs table. Claiming is one conditional UPDATE over a sub-select, so two workers (or two
 * replicas) never claim one job; on PostgreSQL the sub-select takes FOR UPDATE SKIP LOCKED.
 */
export class JobRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async enqueue(job: NewJob, now: number): Promise<void> {
    await this.db.insertInto('jobs').values(queuedRow(job, now)).execute();
  }

  /** A recurring job has a fixed id: (re)queue it for runAfter unless a worker holds it. */
  async ensureRecurring(job: NewJob, now: number): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values(queuedRow(job, now))
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ state: 'queued', attempts: 0, run_after: job.runAfter, locked_until: null, updated_at: now })
          .where('jobs.state', '!=', 'running'),
      )
      .execute();
  }

  /**
   * Claims up to `limit` due jobs: queued and due, or running with an expired lock (its worker
   * died), with attempts left. Each claim counts as an attempt.
   */
  async claim(now: number, limit: number, lockMs: number, maxAttempts: number): Promise<JobRow[]> {
    if (limit <= 0) return [];
    const due = this.db
      .selectFrom('jobs')
      .select('id')
      .where('attempts', '<', maxAttempts)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_after')
      .limit(limit);
    const rows = await this.db
      .updateTable('jobs')
      .set({ state: 'running', attempts: sql`attempts + 1`, locked_until: now + lockMs, updated_at: now })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.map(toJob);
  }

  /** Jobs whose worker died on their last attempt: failed, never retried forever. */
  async failAbandoned(now: number, maxAttempts: number): Promise<JobRow[]> {
    const rows = await this.db
      .updateTable('jobs')
      .set({ state: 'failed', locked_until: null, last_error: 'abandoned: the server stopped while running it', updated_at: now })
      .where('state', '=', 'running')
      .where('locked_until', '<', now)
      .where('attempts', '>=', maxAttempts)
      .returningAll()
      .execute();
    return rows.map(toJob);
  }

  async complete(id: string, now: number): Promise<void> {
    await this.db.updateTable('jobs').set({ state: 'done', locked_until: null, updated_at: now }).where('id', '=', id).execute();
  }

  async requeue(id: string, runAfter: number, now: number, error: string | null, resetAttempts: boolean): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        state: 'queued',
        run_after: runAfter,
        locked_until: null,
        last_error: error,
        updated_at: now,
        ...(resetAttempts ? { attempts: 0 } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, now: number, error: string): Promise<void> {
    await this.db.updateTable('jobs').set({ state: 'failed', locked_until: null, last_error: error, updated_at: now }).where('id', '=', id).execute();
  }

  async find(id: string): Promise<JobRow | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  async listByType(type: string): Promise<JobRow[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('type', '=', type).orderBy('created_at').execute();
    return rows.map(toJob);
  }
}

function toJob(row: JobRow): JobRow {
  return {
    ...row,
    attempts: Number(row.attempts),
    run_after: Number(row.run_after),
    locked_until: row.locked_until === null ? null : Number(row.locked_until),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

function queuedRow(job: NewJob, now: number) {
  return {
    id: job.id,
    type: job.type,
    payload: JSON.stringify(job.payload),
    state: 'queued' as const,
    attempts: 0,
    run_after: job.runAfter,
    locked_until: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}
