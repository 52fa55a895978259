import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, JobsConfig } from '../config.js';
import type { JobRow } from '../db/schema.js';
import type { Repositories } from '../repositories/repositories.js';

export interface JobContext {
  /** 1 for the first run. */
  attempt: number;
  /** No retry follows if this run fails. */
  final: boolean;
}

/** What a finished run asks for: nothing (done), or to run again at a time (recurring jobs). */
export type JobOutcome = void | { runAgainAt: number };

export type JobHandler = (payload: any, context: JobContext) => Promise<JobOutcome>;

export interface JobTypeOptions {
  /**
   * Runs of this type at once, in workers of their own (media decoding: one per core) instead
   * of the shared `workers`: a long import then never holds up the trash sweep, nor the reverse.
   */
  concurrency?: number;
  /**
   * Called when a job of this type is given up without its handler knowing: its worker died
   * (a crash, kill -9) on its last attempt. The handler records its own final failures.
   */
  onAbandoned?: (payload: any, error: string) => Promise<void>;
}

/**
 * Background work, durable in the database (`jobs`): enqueued inside the transaction that makes
 * it necessary, claimed atomically, retried with backoff at most maxAttempts times, and picked up
 * again after a crash once its lock expires. Runs off the request path: a request only enqueues
 * and wakes the workers.
 */
export const PRUNE_JOBS_JOB = 'jobs.prune';
const HOUR_MS = 3_600_000;
const PRUNE_EVERY_MS = HOUR_MS;
const PRUNE_DONE_AFTER_MS = 24 * HOUR_MS;
const PRUNE_FAILED_AFTER_MS = 30 * 24 * HOUR_MS;

export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly options = new Map<string, JobTypeOptions>();
  private readonly running = new Set<Promise<void>>();
  /** Runs in flight per job type that has its own concurrency; the others share `workers`. */
  private readonly runningOf = new Map<string, number>();
  private runningShared = 0;
  private readonly startupTasks: Array<() => Promise<void>> = [];
  private startup: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private ticking = false;
  private again = false;
  /** Real time (not the injectable clock) until which ingest counts as busy. */
  private ingestBusyUntil = 0;

  constructor(
    private readonly repos: Repositories,
    private readonly config: JobsConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  register(type: string, handler: JobHandler, options: JobTypeOptions = {}): void {
    this.handlers.set(type, handler);
    this.options.set(type, options);
  }

  /**
   * Work to do once when the workers start, before the first claim (queueing what a previous
   * version of the server never queued). Runs in the background: the server listens meanwhile.
   */
  atStart(task: () => Promise<void>): void {
    this.startupTasks.push(task);
  }

  /** Enqueues a job in the caller's transaction (repos must be the transaction's); wake() after commit. */
  async enqueue(trx: Repositories, type: string, payload: unknown, runAfter = this.clock()): Promise<void> {
    await trx.jobs.enqueue({ id: randomUUID(), type, payload, runAfter }, this.clock());
  }

  /** A recurring job (fixed id) runs at runAfter, then wherever its handler says. */
  async ensureRecurring(id: string, type: string, runAfter = this.clock()): Promise<void> {
    await this.repos.jobs.ensureRecurring({ id, type, payload: {}, runAfter }, this.clock());
    this.wake();
  }

  /**
   * The `jobs.prune` job: finished rows would otherwise pile up (two per upload). Done ones go after
   * a day; failed ones stay a month, for whoever looks into why.
   */
  async pruneFinished(): Promise<{ runAgainAt: number }> {
    const now = this.clock();
    const pruned = await this.repos.jobs.pruneFinished(now - PRUNE_DONE_AFTER_MS, now - PRUNE_FAILED_AFTER_MS);
    if (pruned > 0) this.log.info({ pruned }, 'finished jobs pruned');
    return { runAgainAt: now + PRUNE_EVERY_MS };
  }

  start(): void {
    if (this.config.workers === 0) return;
    this.started = true;
    this.startup = (async () => {
      for (const task of this.startupTasks) {
        await task().catch((err: unknown) => this.log.warn({ err }, 'a job start-up task failed'));
      }
    })();
    void this.startup.finally(() => this.wake());
  }

  /** Ingest just happened (an upload was stored, a photo committed): background work waits. */
  noteIngest(): void {
    this.ingestBusyUntil = Date.now() + this.config.ingestQuietMs;
  }

  /** Looks for due jobs now (after an enqueue commits), instead of at the next poll. */
  wake(): void {
    if (!this.started || !this.startup) return;
    const busyFor = this.ingestBusyUntil - Date.now();
    if (busyFor > 0) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), busyFor).unref();
      return;
    }
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.ticking = true;
    this.tick()
      .catch((err: unknown) => this.log.warn({ err }, 'claiming jobs failed'))
      .finally(() => {
        this.ticking = false;
        if (!this.started) return;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.wake());
        } else {
          this.timer = setTimeout(() => this.wake(), this.config.pollMs).unref();
        }
      });
  }

  /** Stops claiming and waits for the runs in flight (a killed server's jobs are retried instead). */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.startup;
    await Promise.allSettled([...this.running]);
  }

  private async tick(): Promise<void> {
    const now = this.clock();
    for (const job of await this.repos.jobs.failAbandoned(now, this.config.maxAttempts)) {
      this.log.warn({ jobId: job.id, type: job.type }, 'job abandoned after its last attempt');
      await this.options
        .get(job.type)
        ?.onAbandoned?.(JSON.parse(job.payload), job.last_error ?? 'the server stopped while running it')
        .catch((err: unknown) => this.log.warn({ err, jobId: job.id }, 'recording an abandoned job failed'));
    }
    const pooled = [...this.options].filter(([, o]) => o.concurrency !== undefined).map(([type]) => type);
    const claimed = await this.repos.jobs.claim(now, this.config.workers - this.runningShared, this.config.lockMs, this.config.maxAttempts, {
      except: pooled,
    });
    for (const type of pooled) {
      const free = this.options.get(type)!.concurrency! - (this.runningOf.get(type) ?? 0);
      claimed.push(...(await this.repos.jobs.claim(now, free, this.config.lockMs, this.config.maxAttempts, { only: [type] })));
    }
    for (const job of claimed) this.launch(job);
  }

  private launch(job: JobRow): void {
    const own = this.options.get(job.type)?.concurrency !== undefined;
    const count = (delta: number) => {
      if (own) this.runningOf.set(job.type, (this.runningOf.get(job.type) ?? 0) + delta);
      else this.runningShared += delta;
    };
    count(1);
    const run = this.run(job)
      .catch((err: unknown) => this.log.warn({ err, jobId: job.id }, 'recording a job outcome failed'))
      .finally(() => {
        count(-1);
        this.running.delete(run);
        this.wake();
      });
    this.running.add(run);
  }

  private async run(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.type);
    const final = job.attempts >= this.config.maxAttempts;
    let recorded: boolean;
    try {
      if (!handler) throw new Error(`no handler for jobs of type ${job.type}`);
      const outcome = await handler(JSON.parse(job.payload), { attempt: job.attempts, final });
      if (outcome) recorded = await this.repos.jobs.requeue(job, outcome.runAgainAt, this.clock(), null, true);
      else recorded = await this.repos.jobs.complete(job, this.clock());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn({ jobId: job.id, type: job.type, attempt: job.attempts, err }, final ? 'job failed for good' : 'job failed; will retry');
      if (final) recorded = await this.repos.jobs.fail(job, this.clock(), message);
      else recorded = await this.repos.jobs.requeue(job, this.clock() + this.config.backoffMs * 2 ** (job.attempts - 1), this.clock(), message, false);
    }
    if (!recorded) this.log.warn({ jobId: job.id, type: job.type, attempt: job.attempts }, 'job outlived its lock; another run owns it now');
  }
}
