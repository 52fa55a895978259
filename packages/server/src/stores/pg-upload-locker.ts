import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, MemoryLocker, type Lock, type RequestRelease } from '@tus/server';
import type { PgSession } from '../events/pg-session.js';
import type { UploadLocker } from './upload-store.js';

export const RELEASE_CHANNEL = 'skyroll_upload_release';

export interface PgUploadLockerOptions {
  /** How long a request waits for an upload's lock before failing (tus's default: 30 s). */
  acquireTimeoutMs?: number;
  /** How often a waiting request tries again. */
  pollMs?: number;
}

/**
 * tus's Locker between replicas: an upload's lock is a PostgreSQL session advisory lock on a
 * 64-bit hash of its id, held by this replica's own session (PgSession), so a dead replica's
 * locks vanish with its connection. Within the replica one request at a time per upload, as
 * with tus's MemoryLocker (one session cannot exclude itself: advisory locks nest).
 *
 * A request that finds the upload locked asks the holder to let go, as tus does in one process:
 * over NOTIFY, so a half-open PATCH on another replica (its client gone, now resuming here) ends
 * within tus's lock drain time instead of holding the upload until TCP gives up. If the session
 * is lost, every request holding a lock is asked to let go, since the lock is no longer held.
 */
export class PgUploadLocker implements UploadLocker {
  readonly replica = randomUUID();
  readonly local: MemoryLocker;
  /** Uploads whose advisory lock this replica holds now (cleared when the session is lost). */
  readonly held = new Set<string>();
  readonly acquireTimeoutMs: number;
  readonly pollMs: number;

  constructor(
    readonly session: PgSession,
    options: PgUploadLockerOptions = {},
  ) {
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 50;
    this.local = new MemoryLocker({ acquireLockTimeout: this.acquireTimeoutMs });
    session.listen(RELEASE_CHANNEL, (payload) => this.releaseRequested(payload));
    session.onLoss(() => {
      for (const id of this.held) void this.local.locks.get(id)?.requestRelease();
      this.held.clear();
    });
  }

  newLock(id: string): Lock {
    return new PgUploadLock(this, id);
  }

  async tryLock(id: string): Promise<Lock | undefined> {
    const lock = new PgUploadLock(this, id);
    return (await lock.tryLock()) ? lock : undefined;
  }

  /** One attempt at the advisory lock; true when this session holds it now. */
  async tryAdvisory(id: string): Promise<boolean> {
    const generation = this.session.generation;
    try {
      const result = await this.session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [lockKey(id)]);
      // A session lost (and maybe back) meanwhile took the lock with it.
      if (!result.rows[0]?.locked || this.session.generation !== generation) return false;
      this.held.add(id);
      return true;
    } catch {
      return false;
    }
  }

  async releaseAdvisory(id: string): Promise<void> {
    if (!this.held.delete(id)) return;
    await this.session.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey(id)]).catch(() => undefined);
  }

  askRelease(id: string): void {
    this.session.notify(RELEASE_CHANNEL, [JSON.stringify({ replica: this.replica, id })]);
  }

  private releaseRequested(payload: string): void {
    let request: { replica?: string; id?: string };
    try {
      request = JSON.parse(payload) as typeof request;
    } catch {
      return;
    }
    if (request.replica === this.replica || typeof request.id !== 'string' || !this.held.has(request.id)) return;
    void this.local.locks.get(request.id)?.requestRelease();
  }
}

class PgUploadLock implements Lock {
  private readonly local: Lock;

  constructor(
    private readonly locker: PgUploadLocker,
    private readonly id: string,
  ) {
    this.local = locker.local.newLock(id);
  }

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    await this.local.lock(signal, requestRelease);
    try {
      let asked = 0;
      while (!(await this.locker.tryAdvisory(this.id))) {
        const now = Date.now();
        if (signal.aborted || now >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        // Again now and then: the holder may have been between taking the lock and listening for this.
        if (now - asked >= 1000) {
          asked = now;
          this.locker.askRelease(this.id);
        }
        await sleep(Math.min(this.locker.pollMs, deadline - now), undefined, { signal }).catch(() => undefined);
      }
    } catch (err) {
      await this.local.unlock();
      throw err;
    }
  }

  /** Takes the lock only if nobody holds it, here or on another replica. */
  async tryLock(): Promise<boolean> {
    if (this.locker.local.locks.has(this.id)) return false;
    // Free here: taken before lock() first awaits.
    await this.local.lock(new AbortController().signal, () => {});
    if (await this.locker.tryAdvisory(this.id)) return true;
    await this.local.unlock();
    return false;
  }

  async unlock(): Promise<void> {
    try {
      await this.locker.releaseAdvisory(this.id);
    } finally {
      await this.local.unlock();
    }
  }
}

/** The advisory lock key of an upload: 64 bits of SHA-256, in the namespace of Skyroll's uploads. */
export function lockKey(id: string): string {
  return createHash('sha256').update(`skyroll upload ${id}`).digest().readBigInt64BE(0).toString();
}
