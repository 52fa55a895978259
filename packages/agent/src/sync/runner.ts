/** Drives the engine: `--once` (converge, then report) or continuously (events, pokes, timers). */
import { keepWatching } from '../scan/watcher.js';
import type { Item } from '../state/item.repository.js';
import type { Failure } from './failure.js';
import { followJournalPokes } from '../transfer/journal-events.js';
import { BUSY_RETRY_MS, SyncEngine, type EngineOptions } from './engine.js';
import { applySettings, refreshSettings } from './device-settings.js';
import { PolicyGate } from './policy-gate.js';
import { Heartbeat } from '../health/heartbeat.js';

/** A slow safety net: a full rescan even when no event said anything changed. */
const RESCAN_MS = 5 * 60_000;
const PAUSE_POLL_MS = 500;
const MAX_ONCE_PASSES = 100;
const ONCE_OUTAGE_RETRIES = 3;
/** Deletions propagate once nothing changed locally for this long: `rm` of many files is seen whole. */
const DELETION_SETTLE_MS = 1500;

export interface OnceResult {
  exitCode: 0 | 3;
  blocked: Item[];
  failed: Item[];
  /** Why the run could not converge at all (paused, offline, signed out…), if so. */
  stopped?: Failure;
  /** Actions done, by kind. */
  done: Map<string, number>;
}

export async function syncOnce(options: EngineOptions): Promise<OnceResult> {
  const engine = new SyncEngine(options);
  const { state, log } = options;
  log.write('sync.start', { folder: options.folder, once: true });
  const heartbeat = heartbeatOf(engine, options);
  heartbeat.start();
  await refreshSettings(options.api, state, log);
  let stopped: Failure | undefined;
  let outages = 0;
  try {
    for (let i = 0; i < MAX_ONCE_PASSES; i++) {
      const result = await engine.pass();
      await engine.queue.idle();
      stopped = result.stopped ?? engine.fatalFailure;
      // A short outage (a restarting server, a dropped connection) is waited out a few times.
      const outage = !result.paused && !engine.fatalFailure && result.offline !== undefined;
      if (outage && outages++ < ONCE_OUTAGE_RETRIES) {
        await sleep(Math.min(engine.nextRetryIn() ?? 1000, 5000) + 10);
        continue;
      }
      if (result.paused || result.fatal || result.offline || stopped) break;
      if (result.busy > 0) {
        await sleep(Math.max(5, (result.settleAt ?? Date.now() + BUSY_RETRY_MS) - Date.now() + 2));
        continue;
      }
      if (result.dispatched > 0) continue;
      // Something worth another try in a moment (an asset that changed under its transfer).
      const retry = engine.nextRetryIn();
      if (retry === undefined || retry > 5000) break;
      await sleep(retry + 10);
    }
    // A transfer may have met an outage or a sign-out after the last pass began.
    stopped ??= engine.fatalFailure ?? engine.offlineFailure;
  } finally {
    heartbeat.stop();
    heartbeat.beat();
    options.progress.stop();
  }
  const items = state.items.all();
  const blocked = items.filter((i) => i.state === 'blocked' || i.state === 'pending');
  const failed = items.filter((i) => i.state === 'failed');
  log.write('sync.end', { once: true, blocked: blocked.length, failed: failed.length, ...(stopped ? { stopped: stopped.reason } : {}) });
  return { exitCode: blocked.length > 0 || stopped ? 3 : 0, blocked, failed, stopped, done: engine.done };
}

/** Runs until the signal aborts. */
export async function syncForever(options: EngineOptions, signal: AbortSignal): Promise<void> {
  const engine = new SyncEngine(options);
  const { state, log, api, folder } = options;
  log.write('sync.start', { folder, once: false });
  engine.followLogin();
  const heartbeat = heartbeatOf(engine, options);
  heartbeat.start();
  await refreshSettings(api, state, log);

  let dirty = true;
  /** The cloud may have changed: read the journal on the next pass. */
  let remoteDirty = true;
  let streaming = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  engine.settled = poke;

  let lastLocalChange = 0;
  const localChange = () => {
    lastLocalChange = Date.now();
    poke();
  };
  const unwatch = await keepWatching(folder, { onChange: localChange, onError: (err) => log.error('watch.error', err) });
  /** Settings and "Sync Now" as the state holds them (the CLI writes them too). */
  const localPolicy = () => JSON.stringify([state.meta.settings(), state.meta.overrideUntil() > 0]);
  let policySeen = localPolicy();
  let events = new AbortController();
  let lastPokedHead = -1;
  const follow = () =>
    void followJournalPokes(
      api,
      {
        onPoke: (head) => {
          engine.online();
          const cursor = state.meta.cursor();
          if (head > cursor) remoteDirty = true;
          // At the cursor already: a command (`skyroll album add`…) may have read the journal for
          // us, and a pass must still reconcile what it brought.
          if (head > cursor || (head === cursor && head !== lastPokedHead)) poke();
          lastPokedHead = head;
        },
        onConnection: (connected, err) => {
          log.write('events.connection', { connected, ...(err ? { error: String((err as Error).message ?? err) } : {}) });
          streaming = connected;
          remoteDirty = true;
          if (connected) {
            engine.online();
            // Settings may have changed while the stream was down.
            void refreshSettings(api, state, log).then(poke);
            poke();
          }
        },
        onSettings: (deviceId, settings) => {
          if (deviceId !== state.meta.login()?.deviceId) return;
          if (!applySettings(state, log, settings)) return;
          policySeen = localPolicy();
          poke();
        },
        onAccount: (storage) => {
          // A bigger plan or an emptied trash: uploads waiting for cloud storage try again now.
          log.write('storage.changed', { usedBytes: storage.usedBytes, quotaBytes: storage.quotaBytes, plan: storage.plan });
          if (engine.releaseHolds('cloud-storage') > 0) poke();
        },
        onResync: () => {
          // Settings or a bigger plan may have been announced while the server missed pokes.
          log.write('events.resync', {});
          remoteDirty = true;
          engine.releaseHolds('cloud-storage');
          void refreshSettings(api, state, log).then(poke);
        },
      },
      events.signal,
    );
  follow();
  let wasPaused = state.meta.pausedUntil() > 0;
  let worldSeen = '';
  const pausePoll = setInterval(() => {
    // The world (network, power) as the probes read it: a change may block or free work.
    void engine.gate.world().then((world) => {
      const seen = PolicyGate.signature(world);
      if (worldSeen && seen !== worldSeen) {
        log.write('world.changed', { network: world.network.kind, metered: world.network.metered, ac: world.power.ac, lowPower: world.power.lowPower });
        poke();
      }
      worldSeen = seen;
    });
    // Metadata changes a command recorded but could not send (the server was unreachable then).
    engine.deliverMetadata().catch((err: unknown) => log.error('metadata.error', err));
    const policy = localPolicy();
    if (policy !== policySeen) {
      policySeen = policy;
      log.write('policy.changed', { settings: state.meta.settings(), syncNowUntil: state.meta.overrideUntil() || null });
      poke();
    }
    if (engine.followLogin()) {
      // Signed in again (another account, or the same one after a revocation): a new event stream.
      events.abort();
      events = new AbortController();
      follow();
      remoteDirty = true;
      poke();
    }
    const paused = state.meta.pausedUntil() > 0;
    if (paused !== wasPaused) {
      wasPaused = paused;
      log.write(paused ? 'sync.paused' : 'sync.resumed');
      if (paused) engine.queue.abortAll();
      poke();
    }
  }, PAUSE_POLL_MS);
  const rescan = setInterval(() => {
    remoteDirty = true;
    poke();
  }, RESCAN_MS);
  signal.addEventListener('abort', () => wake?.(), { once: true });

  try {
    while (!signal.aborted) {
      if (dirty) {
        dirty = false;
        const pullJournal = remoteDirty || !streaming;
        remoteDirty = false;
        try {
          const quietFor = Date.now() - lastLocalChange;
          const result = await engine.pass({ pullJournal, holdDeletions: quietFor < DELETION_SETTLE_MS });
          sayStop(result.stopped);
          heartbeat.beat();
          if (result.heldDeletions > 0) setTimeout(poke, DELETION_SETTLE_MS - quietFor + 10);
          if (pullJournal && !result.pulled) remoteDirty = true;
          if (result.busy > 0) setTimeout(poke, Math.max(5, (result.settleAt ?? Date.now() + BUSY_RETRY_MS) - Date.now() + 2));
        } catch (err) {
          log.error('pass.error', err);
          remoteDirty = true;
          setTimeout(poke, 5000);
        }
        const retry = engine.nextRetryIn();
        if (retry !== undefined) setTimeout(poke, retry + 10);
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (dirty || signal.aborted) resolve();
      });
      wake = undefined;
    }
  } finally {
    heartbeat.stop();
    clearInterval(pausePoll);
    clearInterval(rescan);
    events.abort();
    engine.queue.abortAll();
    await unwatch();
    options.progress.stop();
    log.write('sync.stop');
  }
}

function heartbeatOf(engine: SyncEngine, options: EngineOptions): Heartbeat {
  return new Heartbeat(options.state, options.api, options.log, {
    get lastProgressAt() {
      return engine.lastProgressAt;
    },
    get lastError() {
      return engine.lastError;
    },
    stop: () => engine.lastStop,
  });
}

let said: string | undefined;
/** A running agent says plainly, once, when the whole device stops syncing and when it starts again. */
function sayStop(stop: Failure | undefined): void {
  const text = stop ? `${stop.reason ?? 'waiting'}: ${stop.detail}` : undefined;
  if (text === said) return;
  if (stop) console.error(`Not syncing (${text})`);
  else if (said) console.error('Syncing again.');
  said = text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
