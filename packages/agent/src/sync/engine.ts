/**
 * The sync loop: scan (what the folder holds) + journal (what the cloud holds) → reconcile (what
 * to do) → act. Runs a pass whenever something may have changed: the watcher, a journal poke, a
 * finished transfer, a timer. Transfers run in the background so a new photo never waits for a
 * long video.
 */
import { existsSync } from 'node:fs';
import { reconcile, type Action, type BaseRecord } from '../reconcile.js';
import { QUIET_MS, scanFolder, type ScanResult } from '../scan/scanner.js';
import { decide } from '../policy/rules.js';
import type { Item, Reason } from '../state/item.repository.js';
import type { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import type { RateLimiter } from '../transfer/throttle.js';
import type { AgentLog } from './agent-log.js';
import type { SyncContext } from './context.js';
import { applyPlan, transferKey } from './executor.js';
import { failureOf, type Failure } from './failure.js';
import { accountMismatch, folderAccount, hasMarker, writeMarker } from './folder.js';
import { pullJournal } from './journal.js';
import { Optimizer } from './optimizer.js';
import { OutboxSender } from './outbox-sender.js';
import { PolicyGate } from './policy-gate.js';
import type { Progress } from './progress.js';
import { TransferQueue } from './transfer-queue.js';

export interface EngineOptions {
  folder: string;
  state: AgentState;
  api: ApiClient;
  log: AgentLog;
  progress: Progress;
  limiter?: RateLimiter;
  confirmDeletions: boolean;
  /** `--once`: a blocked or failed action is not retried within the run. */
  once: boolean;
}

export interface PassResult {
  /** Actions started (or done) by this pass. */
  dispatched: number;
  busy: number;
  /** Why nothing could run at all (paused, offline, signed out, the world's rules). */
  stopped?: Failure;
  /** Whether the journal was read (a paused or offline pass leaves it for later). */
  pulled: boolean;
  /** Local deletions waiting for the folder to settle. */
  heldDeletions: number;
  /** When to look again at files still being written (epoch ms). */
  settleAt?: number;
  paused: boolean;
  offline?: Failure;
  fatal?: Failure;
}

/** How long a blocked or failed action waits before it is tried again (continuous mode). */
const HOLD_MS = 60_000;
/** A refusal of the whole device (signed out, update required) is asked again this often. */
const FATAL_RETRY_MS = 60_000;

export class SyncEngine {
  readonly queue: TransferQueue;
  readonly gate: PolicyGate;
  private readonly ctx: SyncContext;
  private readonly optimizer: Optimizer;
  /** Actions not to try again before a time (a blocked quota, a failed move…). */
  private readonly holds = new Map<string, { until: number; failure: Failure; attempts: number }>();
  private offline?: { until: number; failure: Failure; delay: number };
  private fatal?: { until: number; failure: Failure };
  /** When an action last finished or a transfer last moved bytes (epoch ms): what shows a stuck agent. */
  lastProgressAt: number | null = null;
  /** What stopped the last pass as a whole (paused, offline, signed out…), if anything. */
  lastStop?: Failure;
  /** The last error an action met, for the device's health. */
  lastError: { at: number; message: string } | null = null;
  private onSettled: () => void = () => {};
  /** Actions done by this engine, by kind (for the summary of `--once`). */
  readonly done = new Map<string, number>();
  /** Bumped whenever an action changed the base: a scan that overlapped it is not trusted. */
  private generation = 0;
  /** Metadata changes made on this device (favorite, albums…), on their way to the server. */
  private readonly outbox: OutboxSender;

  constructor(private readonly options: EngineOptions) {
    this.queue = new TransferQueue(() => this.onSettled());
    this.gate = new PolicyGate(options.state, options.folder);
    this.outbox = new OutboxSender(options.api, options.state, options.log);
    const ctx: SyncContext = {
      folder: options.folder,
      state: options.state,
      api: options.api,
      log: options.log,
      limiter: options.limiter,
      progress: {
        add: (bytes) => options.progress.add(bytes),
        advance: (bytes) => {
          this.lastProgressAt = Date.now();
          options.progress.advance(bytes);
        },
        stop: () => options.progress.stop(),
      },
      report: (action, failure) => this.report(action, failure),
      disk: (bytes) => this.gate.account(bytes),
      completed: (action) => {
        this.lastProgressAt = Date.now();
        this.generation++;
        this.done.set(action.kind, (this.done.get(action.kind) ?? 0) + 1);
        this.holds.delete(actionKey(action));
      },
    };
    this.ctx = ctx;
    this.optimizer = new Optimizer(ctx);
  }

  /**
   * Something that blocked actions for a reason may have cleared (the plan changed, the trash
   * was emptied): their holds end now instead of at their slow retry time.
   */
  releaseHolds(reason: Reason): number {
    let released = 0;
    for (const [key, hold] of this.holds) {
      if (hold.failure.reason !== reason) continue;
      this.holds.delete(key);
      released++;
    }
    return released;
  }

  /** Called whenever a transfer settles (the continuous loop schedules a pass). */
  set settled(fn: () => void) {
    this.onSettled = fn;
  }

  get fatalFailure(): Failure | undefined {
    return this.fatal?.failure;
  }

  /**
   * Follows a `skyroll login` made while the agent runs: later requests go as the new device,
   * and whatever the old sign-in was refused is tried again at once. True when it changed.
   */
  followLogin(): boolean {
    const login = this.options.state.meta.login();
    const { api, log } = this.options;
    if (!login || (login.token === api.signedInWith && login.server === api.server)) return false;
    api.useLogin(login.server, login.token);
    this.fatal = undefined;
    this.offline = undefined;
    this.holds.clear();
    log.write('login.changed', { email: login.email, deviceId: login.deviceId });
    return true;
  }

  private setFatal(failure: Failure): void {
    this.fatal = { until: Date.now() + FATAL_RETRY_MS, failure };
  }

  /** The outage the last pass or transfer met, while it lasts. */
  get offlineFailure(): Failure | undefined {
    return this.offline && this.offline.until > Date.now() ? this.offline.failure : undefined;
  }

  /** Forget the offline back-off: the server just spoke to us. */
  online(): void {
    if (this.offline) {
      this.options.log.write('connection.restored');
      // Metadata changes waiting out the outage go now, not at the end of their backoff.
      this.options.state.outbox.retryNow();
    }
    this.offline = undefined;
  }

  /**
   * `pullJournal: false` when the journal poke stream is up and said nothing new.
   * `holdDeletions` while files are still disappearing: a mass deletion is judged whole.
   */
  async pass({ pullJournal: pull = true, holdDeletions = false } = {}): Promise<PassResult> {
    const { state, folder, log } = this.options;
    const now = Date.now();
    this.followLogin();
    // A refused sign-in or protocol is asked again now and then (the server may have been updated).
    if (this.fatal && !this.options.once && this.fatal.until <= now) this.fatal = undefined;
    const paused = state.meta.pausedUntil(now) > 0;
    if (paused) this.queue.abortAll();
    let world = await this.gate.world(now);
    const metadata = decide({ kind: 'metadata', bytes: 0 }, this.gate.context(world, now));
    const worldStop: Failure | undefined = !existsSync(folder)
      ? { state: 'blocked', reason: 'device-storage', detail: `the folder ${folder} is missing (unmounted or moved?)` }
      : (accountMismatch(state, folder) ??
        (metadata.allowed ? undefined : { state: 'blocked', reason: metadata.reason, detail: metadata.detail }));
    if (worldStop) this.queue.abortAll();

    let offline: Failure | undefined = this.offline && this.offline.until > now ? this.offline.failure : undefined;
    // Changes made here (favorite, albums…) go first: the journal read next then carries their effect.
    if (!paused && !worldStop && !offline && !this.fatal) {
      await this.sendOutbox();
      offline = this.offline && this.offline.until > Date.now() ? this.offline.failure : undefined;
    }
    let pulled = false;
    if (pull && !paused && !worldStop && !offline && !this.fatal) {
      try {
        let purged = 0;
        await pullJournal(this.options.api, state, (entry) => {
          if (entry.type === 'asset.purged') purged++;
        });
        // Purges free cloud storage: uploads waiting for room try again now.
        if (purged > 0 && this.releaseHolds('cloud-storage') > 0) log.write('storage.changed', { purged });
        pulled = true;
        this.online();
      } catch (err) {
        const failure = failureOf(err);
        if (failure.fatal) this.setFatal(failure);
        else {
          offline = failure.offline ? failure : { ...failure, state: 'blocked', reason: 'connection' };
          this.setOffline(offline);
        }
        log.error('journal.error', err);
      }
    }

    // Optimize Storage: under the floor, originals make room (least recently used first) before anything else.
    if (!paused && !worldStop && !this.fatal && !offline) {
      try {
        if ((await this.optimizer.evict(world, state.meta.settings(), now)) > 0) world = await this.gate.world(Date.now());
      } catch (err) {
        log.error('optimize.error', err);
      }
    }
    const policy = this.gate.context(world, now);

    // The base is read before the scan, and both again if a transfer finished meanwhile: a file
    // placed or committed during the scan must never look deleted.
    let base: BaseRecord[] = [];
    let scan!: ScanResult;
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = this.generation;
      base = state.base.all();
      scan = await scanFolder(folder, state.hashes);
      if (generation === this.generation) break;
    }
    const scannedAt = Date.now();
    if (scan.hashed > 0) log.write('scan.hashed', { count: scan.hashed });

    const confirm = this.options.confirmDeletions;
    const markerPresent = hasMarker(folder);
    const plan = reconcile(
      { local: scan.files, busy: scan.busy, base, remote: state.remote.all(), failed: state.items.failures(), placeholders: state.placeholders.all() },
      { folder, markerPresent, confirmDeletions: confirm },
    );
    const stop: Failure | undefined = paused ? pausedFailure(state.meta.pausedUntil(now)) : (worldStop ?? this.fatal?.failure ?? offline);
    this.lastStop = stop;
    // Each transfer against the rules (mobile data, power, free space): blocked ones wait.
    const ruled = new Map<Action, Failure>();
    /** On an optimizing device short of space, downloads come as previews rather than wait. */
    const previews = new Set<Action>();
    for (const action of plan.actions) {
      const verdict = decide(PolicyGate.workOf(action, (id) => state.remote.size(id)), policy);
      if (verdict.allowed) continue;
      if (verdict.reason === 'device-storage' && policy.settings.optimizeStorage && (action.kind === 'download' || action.kind === 'replace-local')) {
        previews.add(action);
        continue;
      }
      ruled.set(action, { state: 'blocked', reason: verdict.reason, detail: verdict.detail });
    }
    for (const action of ruled.keys()) {
      const key = transferKey(action);
      if (key && this.queue.has(key)) this.queue.abort(key);
    }
    const ready = plan.actions.filter((a) => !ruled.has(a) && !(holdDeletions && a.kind === 'trash-remote'));
    const runnable = stop ? [] : ready.filter((a) => !this.isHeld(a, now) && !this.inFlight(a));
    this.writeItems(scan, plan.actions, plan.blocked, stop, now, ruled);

    if (runnable.length > 0) {
      log.write('pass', { actions: countKinds(runnable), blocked: plan.blocked.length, scanMs: scannedAt - now, planMs: Date.now() - scannedAt });
      await applyPlan(this.ctx, runnable, this.queue, previews);
    }
    if (confirm && !markerPresent && !stop) writeMarker(folder, folderAccount(state, folder));
    const heldDeletions = holdDeletions ? plan.actions.filter((a) => a.kind === 'trash-remote' && !ruled.has(a)).length : 0;
    return {
      stopped: stop,
      pulled,
      dispatched: runnable.length,
      busy: scan.busy.length,
      settleAt: scan.settleAt,
      heldDeletions,
      paused,
      offline: this.offline?.failure,
      fatal: this.fatal?.failure,
    };
  }

  /**
   * Sends metadata changes made here (a command could not, or another is waiting behind a
   * failed one) when the device may talk to the server; the outbox poll calls this between passes.
   */
  async deliverMetadata(): Promise<void> {
    if (!this.outbox.due || this.fatal || this.offlineFailure || this.options.state.meta.pausedUntil() > 0) return;
    const world = await this.gate.world();
    if (!decide({ kind: 'metadata', bytes: 0 }, this.gate.context(world, Date.now())).allowed) return;
    await this.sendOutbox();
  }

  private async sendOutbox(): Promise<void> {
    const failure = await this.outbox.send();
    if (failure?.fatal) this.setFatal(failure);
    else if (failure?.offline) this.setOffline(failure);
  }

  /** The status table after a pass: every action pending (or why not), exclusions, failures kept. */
  private writeItems(
    scan: ScanResult,
    actions: Action[],
    blocked: { path: string; reason: 'mass-delete'; detail: string }[],
    stop: Failure | undefined,
    now: number,
    ruled: Map<Action, Failure>,
  ): void {
    const { state } = this.options;
    const local = new Map(scan.files.map((f) => [f.path, f.checksum]));
    const items: Item[] = [];
    for (const item of state.items.all()) {
      // A failure stays until the bytes change; the scanner reports them again.
      if (item.state === 'failed' && item.checksum && local.get(item.path) === item.checksum) items.push(item);
    }
    for (const e of scan.excluded) items.push({ path: e.path, state: 'excluded', reason: 'agent', detail: e.detail, checksum: null });
    for (const path of scan.busy) {
      const current = state.items.get(path);
      items.push(current?.state === 'failed' ? current : { path, state: 'pending', reason: null, detail: 'still being written: synced once it is complete', checksum: null });
    }
    for (const b of blocked) items.push({ path: b.path, state: 'blocked', reason: b.reason, detail: b.detail, checksum: null });
    for (const action of actions) {
      const current = state.items.get(action.path);
      const hold = this.holds.get(actionKey(action));
      const rule = stop ?? ruled.get(action);
      const moves = this.transferOf(action);
      if (rule) items.push({ path: action.path, state: 'blocked', reason: rule.reason, detail: rule.detail, checksum: null, ...moves });
      else if (this.inFlight(action) && current) items.push({ ...current, ...moves });
      else if (hold && hold.until > now) items.push({ path: action.path, state: hold.failure.state, reason: hold.failure.reason, detail: hold.failure.detail, checksum: null, ...moves });
      else items.push({ path: action.path, state: 'pending', reason: null, detail: null, checksum: null, ...moves });
    }
    state.items.replaceAll(dedupe(items));
  }

  /** Which way an action moves bytes, and how many (what health and doctor weigh). */
  private transferOf(action: Action): Pick<Item, 'transfer' | 'bytes'> {
    const work = PolicyGate.workOf(action, (id) => this.options.state.remote.size(id));
    return work.kind === 'metadata' ? { transfer: null, bytes: null } : { transfer: work.kind, bytes: work.bytes };
  }

  private report(action: Action, failure: Failure): void {
    const { state } = this.options;
    if (failure.fatal) this.setFatal(failure);
    if (failure.offline) this.setOffline(failure);
    if (!failure.offline && failure.state !== 'pending') this.lastError = { at: Date.now(), message: `${action.path}: ${failure.detail}` };
    const permanent = failure.permanent === true && action.kind === 'upload';
    state.items.put({
      path: action.path,
      state: failure.offline ? 'blocked' : failure.state,
      reason: failure.offline ? 'connection' : failure.reason,
      detail: failure.detail,
      checksum: permanent ? action.file.checksum : null,
      ...this.transferOf(action),
    });
    if (permanent || failure.offline) return;
    const attempts = (this.holds.get(actionKey(action))?.attempts ?? 0) + 1;
    const wait =
      failure.retrySoon && attempts < 3
        ? 1000
        : failure.retryAfterMs !== undefined && attempts < 15
          ? failure.retryAfterMs
          : this.options.once
            ? Infinity
            : HOLD_MS;
    this.holds.set(actionKey(action), { until: Date.now() + wait, failure, attempts });
  }

  private setOffline(failure: Failure): void {
    const delay = Math.min((this.offline?.delay ?? 500) * 2, 5_000);
    this.offline = { until: Date.now() + delay, failure, delay };
  }

  /** When the next pass is worth running after an offline or hold period (ms from now). */
  nextRetryIn(now = Date.now()): number | undefined {
    const times = [...this.holds.values()].map((h) => h.until).filter((t) => t > now && Number.isFinite(t));
    const outboxDue = this.outbox.waitingUntil;
    if (outboxDue !== undefined) times.push(outboxDue);
    if (this.offline && this.offline.until > now) times.push(this.offline.until);
    if (this.fatal && !this.options.once && this.fatal.until > now) times.push(this.fatal.until);
    return times.length ? Math.min(...times) - now : undefined;
  }

  private isHeld(action: Action, now: number): boolean {
    const hold = this.holds.get(actionKey(action));
    return hold !== undefined && hold.until > now;
  }

  private inFlight(action: Action): boolean {
    const key = transferKey(action);
    return key !== undefined && this.queue.has(key);
  }
}

export const BUSY_RETRY_MS = QUIET_MS + 20;

function actionKey(action: Action): string {
  return action.kind === 'download' || action.kind === 'replace-local' ? `${action.kind}:${action.asset.id}` : `${action.kind}:${action.path}`;
}

function pausedFailure(until: number): Failure {
  const when = until === Infinity ? 'until `skyroll resume`' : `until ${new Date(until).toISOString()}`;
  return { state: 'blocked', reason: 'sync-enabled', detail: `sync is paused ${when}; run skyroll resume to sync now` };
}

function countKinds(actions: Action[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}

function dedupe(items: Item[]): Item[] {
  const byPath = new Map<string, Item>();
  for (const item of items) if (!byPath.has(item.path)) byPath.set(item.path, item);
  return [...byPath.values()];
}
