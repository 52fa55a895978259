import type { Kysely, Updateable } from 'kysely';
import { engineOf } from '../db/engine.js';
import { sql } from '../db/kysely.js';
import type { DB, JobRow, JobTable } from '../db/schema.js';

/** Which job types a claim may take: only these, or all but these (types with their own workers). */
export interface TypeFilter {
  only?: string[];
  except?: string[];
}

/** One claimed run of a job: its id and the attempt the claim counted. */
export type Claim = Pick<JobRow, 'id' | 'attempts'>;

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
   * died), with attempts left. Each claim counts as an attempt. One statement: on SQLite it runs
   * under the database's write lock; on PostgreSQL the due rows are picked FOR UPDATE SKIP LOCKED
   * (materialized once), so a job another replica is claiming right now is skipped, not claimed
   * twice, and nobody waits.
   */
  async claim(now: number, limit: number, lockMs: number, maxAttempts: number, types: TypeFilter = {}): Promise<JobRow[]> {
    if (limit <= 0 || types.only?.length === 0) return [];
    let due = this.db
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
      .orderBy('id')
      .limit(limit);
    if (types.only) due = due.where('type', 'in', types.only);
    if (types.except?.length) due = due.where('type', 'not in', types.except);
    const claim = { state: 'running' as const, attempts: sql<number>`attempts + 1`, locked_until: now + lockMs, updated_at: now };
    const rows =
      engineOf(this.db) === 'postgres'
        ? await this.db
            .with((cte) => cte('due').materialized(), () => due.forUpdate().skipLocked())
            .updateTable('jobs')
            .set(claim)
            .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
            .returningAll()
            .execute()
        : await this.db.updateTable('jobs').set(claim).where('id', 'in', due).returningAll().execute();
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

  /**
   * The outcome of one claimed run (a `Claim`: id and its attempt number). Written only while that
   * claim still holds the job: a worker so slow that its lock expired and another replica claimed
   * the job again must not overwrite the new run's state.
   */
  async complete(claim: Claim, now: number): Promise<boolean> {
    return this.settle(claim, { state: 'done', locked_until: null, updated_at: now });
  }

  async requeue(claim: Claim, runAfter: number, now: number, error: string | null, resetAttempts: boolean): Promise<boolean> {
    return this.settle(claim, {
      state: 'queued',
      run_after: runAfter,
      locked_until: null,
      last_error: error,
      updated_at: now,
      ...(resetAttempts ? { attempts: 0 } : {}),
    });
  }

  async fail(claim: Claim, now: number, error: string): Promise<boolean> {
    return this.settle(claim, { state: 'failed', locked_until: null, last_error: error, updated_at: now });
  }

  private async settle(claim: Claim, patch: Updateable<JobTable>): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set(patch)
      .where('id', '=', claim.id)
      .where('state', '=', 'running')
      .where('attempts', '=', claim.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes finished jobs: done before `doneBefore`, failed before `failedBefore`. Returns how many. */
  async pruneFinished(doneBefore: number, failedBefore: number): Promise<number> {
    const result = await this.db
      .deleteFrom('jobs')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'done'), eb('updated_at', '<', doneBefore)]),
          eb.and([eb('state', '=', 'failed'), eb('updated_at', '<', failedBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async find(id: string): Promise<JobRow | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  /** Jobs of a type still to run or running (not done, not failed). */
  async listLive(type: string): Promise<JobRow[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('type', '=', type).where('state', 'in', ['queued', 'running']).execute();
    return rows.map(toJob);
  }

  async listByType(type: string): Promise<JobRow[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('type', '=', type).orderBy('created_at').orderBy('id').execute();
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
