/**
 * Sends the metadata outbox to the server, oldest change first. A change the server cannot take
 * now (unreachable, busy, sign-in refused) stays at the head and waits with a growing backoff,
 * holding the later ones behind it so they arrive in the order they were made. A change naming an
 * asset or album the server no longer has (purged) is dropped with a log line: it can never apply.
 * One process delivers at a time (a lease in the state), so a command and the running agent never
 * send the same change twice.
 */
import { SkyrollError, type Album, type Asset } from '@skyroll/protocol';
import type { AgentState } from '../state/state.js';
import type { OutboxEntry } from '../state/outbox.repository.js';
import type { AgentLog } from '../sync/agent-log.js';
import { failureOf, isAbort, type Failure } from '../sync/failure.js';
import type { ApiClient } from '../transfer/api-client.js';
import { assetIdsOf, withAssetIds, type MetadataChange } from './change.js';

export type Delivery = { status: 'delivered' } | { status: 'dropped'; detail: string } | { status: 'waiting'; detail: string };

export interface DeliveryResult {
  /** What became of each change this run looked at, by outbox seq. */
  outcomes: Map<number, Delivery>;
  /** Why delivery stopped before the outbox was empty (the server unreachable, sign-in refused…). */
  failure?: Failure;
  /** Another process (the running agent, a command) is delivering the outbox right now. */
  busy: boolean;
}

export interface DeliveryOptions {
  /** Who delivers (`agent:PID`, `cli:PID`): the lease's owner. */
  owner: string;
  now?: () => number;
}

/** A lease outlives any single request (each is cut after REQUEST_TIMEOUT_MS) and is renewed per change. */
const LEASE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

export async function deliverOutbox(api: ApiClient, state: AgentState, log: AgentLog, options: DeliveryOptions): Promise<DeliveryResult> {
  const now = options.now ?? Date.now;
  const outcomes = new Map<number, Delivery>();
  if (state.outbox.headDueAt() === undefined) return { outcomes, busy: false };
  if (!takeLease(state, options.owner, now())) {
    for (const entry of state.outbox.all()) outcomes.set(entry.seq, { status: 'waiting', detail: 'another Skyroll process on this device is sending it' });
    return { outcomes, busy: true };
  }
  try {
    for (;;) {
      const [head, ...rest] = state.outbox.all();
      if (!head) return { outcomes, busy: false };
      if (head.nextAt > now()) {
        const detail = `waiting to retry after: ${head.lastError ?? 'an earlier failure'}`;
        for (const entry of [head, ...rest]) outcomes.set(entry.seq, { status: 'waiting', detail });
        return { outcomes, busy: false };
      }
      takeLease(state, options.owner, now());
      const failure = await deliverEntry(api, state, log, head, outcomes);
      if (failure) {
        const wait = Math.min(FIRST_RETRY_MS * 2 ** head.attempts, MAX_RETRY_MS);
        state.outbox.retryLater(head.seq, now() + wait, failure.detail);
        log.write('metadata.waiting', { seq: head.seq, kind: head.change.kind, attempts: head.attempts + 1, retryInMs: wait, reason: failure.reason, detail: failure.detail });
        for (const entry of state.outbox.all()) outcomes.set(entry.seq, { status: 'waiting', detail: failure.detail });
        return { outcomes, failure, busy: false };
      }
    }
  } finally {
    releaseLease(state, options.owner);
  }
}

/** Sends one change; undefined when it is done with (delivered or dropped), else why it must wait. */
async function deliverEntry(api: ApiClient, state: AgentState, log: AgentLog, entry: OutboxEntry, outcomes: Map<number, Delivery>): Promise<Failure | undefined> {
  try {
    const answer = await send(api, entry.change, entry.hlc);
    state.transaction(() => {
      record(state, answer);
      state.outbox.delete(entry.seq);
    });
    log.write('metadata.sent', { seq: entry.seq, kind: entry.change.kind, hlc: entry.hlc });
    outcomes.set(entry.seq, { status: 'delivered' });
    return undefined;
  } catch (err) {
    const failure = waitingFailure(err);
    if (failure) return failure;
    const ids = assetIdsOf(entry.change);
    // One purged asset must not sink the others: each is sent on its own, the missing ones dropped.
    if (isNotFound(err) && ids.length > 1) return deliverOneByOne(api, state, log, entry, outcomes);
    drop(state, log, entry, err, outcomes);
    return undefined;
  }
}

async function deliverOneByOne(api: ApiClient, state: AgentState, log: AgentLog, entry: OutboxEntry, outcomes: Map<number, Delivery>): Promise<Failure | undefined> {
  let remaining = assetIdsOf(entry.change);
  let delivered = 0;
  for (const id of [...remaining]) {
    const change = withAssetIds(entry.change, [id]);
    try {
      const answer = await send(api, change, entry.hlc);
      remaining = remaining.filter((r) => r !== id);
      delivered++;
      state.transaction(() => {
        record(state, answer);
        if (remaining.length > 0) state.outbox.replaceChange(entry.seq, withAssetIds(entry.change, remaining));
      });
    } catch (err) {
      const failure = waitingFailure(err);
      if (failure) return failure;
      remaining = remaining.filter((r) => r !== id);
      if (remaining.length > 0) state.outbox.replaceChange(entry.seq, withAssetIds(entry.change, remaining));
      log.write('metadata.dropped', { seq: entry.seq, kind: entry.change.kind, hlc: entry.hlc, assetId: id, reason: reasonOf(err) });
    }
  }
  state.outbox.delete(entry.seq);
  log.write('metadata.sent', { seq: entry.seq, kind: entry.change.kind, hlc: entry.hlc, assets: delivered });
  outcomes.set(entry.seq, delivered > 0 ? { status: 'delivered' } : { status: 'dropped', detail: 'none of its photos or videos is in the cloud any more' });
  return undefined;
}

function drop(state: AgentState, log: AgentLog, entry: OutboxEntry, err: unknown, outcomes: Map<number, Delivery>): void {
  state.outbox.delete(entry.seq);
  const reason = reasonOf(err);
  log.write('metadata.dropped', { seq: entry.seq, kind: entry.change.kind, hlc: entry.hlc, reason });
  outcomes.set(entry.seq, {
    status: 'dropped',
    detail: isNotFound(err) ? 'it is not in the cloud any more (deleted for good)' : `the server refused it (${reason})`,
  });
}

interface Answer {
  assets: Asset[];
  album?: Album;
}

async function send(api: ApiClient, change: MetadataChange, hlc: string): Promise<Answer> {
  const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  switch (change.kind) {
    case 'asset': {
      const { assetIds, kind: _kind, ...fields } = change;
      return { assets: (await api.updateMetadata(assetIds, { ...fields, hlc }, signal)).assets };
    }
    case 'album.create':
      return { assets: [], album: (await api.createAlbum(change.albumId, change.name, hlc, signal)).album };
    case 'album.rename':
      return { assets: [], album: (await api.renameAlbum(change.albumId, change.name, hlc, signal)).album };
    case 'album.delete':
      return { assets: [], album: (await api.deleteAlbum(change.albumId, hlc, signal))?.album };
    case 'album.add':
      return api.addToAlbum(change.albumId, change.assetIds, hlc, signal);
    case 'album.remove':
      return api.removeFromAlbum(change.albumId, change.assetIds, hlc, signal);
  }
}

/** The server's answer is the truth after the change (the winner per field): kept at once. */
function record(state: AgentState, answer: Answer): void {
  for (const asset of answer.assets) state.remote.put(asset);
  if (answer.album) state.albums.put(answer.album);
}

/** A failure worth waiting out (nothing wrong with the change itself), or undefined. */
function waitingFailure(err: unknown): Failure | undefined {
  if (isAbort(err) || (err as Error)?.name === 'TimeoutError') {
    return { state: 'blocked', reason: 'connection', detail: 'the server did not answer in time', offline: true };
  }
  const failure = failureOf(err);
  return failure.offline || failure.fatal || failure.retrySoon ? failure : undefined;
}

function isNotFound(err: unknown): boolean {
  return err instanceof SkyrollError && err.code === 'NOT_FOUND';
}

function reasonOf(err: unknown): string {
  return err instanceof SkyrollError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
}

function takeLease(state: AgentState, owner: string, now: number): boolean {
  return state.exclusive(() => {
    const lease = state.meta.outboxLease();
    if (lease && lease.owner !== owner && lease.until > now) return false;
    state.meta.setOutboxLease({ owner, until: now + LEASE_MS });
    return true;
  });
}

function releaseLease(state: AgentState, owner: string): void {
  state.exclusive(() => {
    if (state.meta.outboxLease()?.owner === owner) state.meta.setOutboxLease(undefined);
  });
}
