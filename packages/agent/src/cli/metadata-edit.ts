/**
 * What the metadata commands (favorite, hide, album) share: local paths to assets, a fresh look at
 * the cloud's albums, and a change recorded in the outbox first, then sent while the person waits.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AlbumName } from '@skyroll/protocol';
import { deliverOutbox, type Delivery } from '../metadata/delivery.js';
import type { MetadataChange } from '../metadata/change.js';
import { recordChange } from '../metadata/record.js';
import { readOverrides } from '../policy/probes.js';
import type { AgentState } from '../state/state.js';
import { AgentLog } from '../sync/agent-log.js';
import { pullJournal } from '../sync/journal.js';
import { AgentError } from './agent-error.js';
import { signedInApi, usageError } from './command.js';
import { relativeToFolder } from './status.command.js';

/** How long a command waits for the server, or for the running agent to send a change it took. */
const REFRESH_TIMEOUT_MS = 5000;
const AGENT_WAIT_MS = 5000;

/**
 * The asset ids of files in the synced folder (a folder stands for the files under it). Any
 * file not in the cloud yet is an error naming it: nothing is recorded then.
 */
export function assetsOfPaths(state: AgentState, paths: string[]): string[] {
  const base = state.base.all();
  const ids = new Set<string>();
  const missing: string[] = [];
  for (const path of paths) {
    const rel = relativeToFolder(state, path).replace(/\/+$/, '');
    const exact = base.find((b) => b.path === rel);
    const inside = rel === '.' ? base : base.filter((b) => b.path.startsWith(`${rel}/`));
    const folder = !exact && isFolder(state, path);
    const found = exact ? [exact] : folder ? inside : [];
    if (found.length === 0) missing.push(path);
    for (const b of found) ids.add(b.assetId);
  }
  if (missing.length > 0) {
    const which = missing.map((p) => `"${p}"`).join(', ');
    throw new AgentError(
      `${which}: not in the cloud yet (not a synced photo or video of ${state.meta.folder() ?? 'the synced folder'}); ` +
        'let `skyroll sync` upload it first (`skyroll status PATH` says why it waits).',
    );
  }
  return [...ids];
}

function isFolder(state: AgentState, path: string): boolean {
  const candidates = [resolve(path), ...(state.meta.folder() ? [resolve(state.meta.folder()!, path)] : [])];
  return candidates.some((p) => existsSync(p) && statSync(p).isDirectory());
}

/** An album name as the server will take it (trimmed, 1–200 characters), or a usage error. */
export function albumName(name: string): string {
  const parsed = AlbumName.safeParse(name);
  if (!parsed.success) throw usageError(`not an album name: "${name}" (1 to 200 characters)`);
  return parsed.data;
}

/** The device's world says offline (SKYROLL_NETWORK or world.json): the command does not try the server. */
async function offlineHere(state: AgentState): Promise<boolean> {
  const overrides = await readOverrides(state.dir).catch(() => ({ network: undefined }));
  return overrides.network?.trim().toLowerCase() === 'offline';
}

/**
 * Reads what the cloud changed since this device last looked (albums made elsewhere, above all),
 * so names resolve as they are now. Best effort: offline, the state's last view is used.
 */
export async function refreshFromCloud(state: AgentState): Promise<void> {
  if (await offlineHere(state)) return;
  try {
    await pullJournal(signedInApi(state), state, undefined, AbortSignal.timeout(REFRESH_TIMEOUT_MS));
  } catch (err) {
    if (err instanceof AgentError) throw err;
    // Unreachable or slow: the last known albums will do; the change itself is still kept.
  }
}

/**
 * Records the changes (in this order, each stamped now) and tries to send them at once. The
 * outcome of the last one is what the person sees: delivered, dropped (exit 1), or waiting.
 */
export async function submitChanges(state: AgentState, changes: MetadataChange[]): Promise<Delivery> {
  const api = signedInApi(state);
  const seqs = changes.map((change) => recordChange(state, change).seq);
  const last = seqs.at(-1)!;
  if (await offlineHere(state)) return { status: 'waiting', detail: 'this device is offline' };
  // A person acting now is the best moment to retry whatever waited before this change.
  state.outbox.retryNow();
  const result = await deliverOutbox(api, state, new AgentLog(state.logPath), { owner: `cli:${process.pid}` });
  const dropped = seqs.map((seq) => result.outcomes.get(seq)).find((o) => o?.status === 'dropped');
  if (dropped) return dropped;
  if (result.busy) return waitForAgent(state, last);
  return result.outcomes.get(last) ?? (state.outbox.get(last) ? { status: 'waiting', detail: 'not sent yet' } : { status: 'delivered' });
}

/** The running agent took the outbox: give it a moment to deliver, so the person gets an answer. */
async function waitForAgent(state: AgentState, seq: number): Promise<Delivery> {
  const deadline = Date.now() + AGENT_WAIT_MS;
  while (Date.now() < deadline) {
    if (!state.outbox.get(seq)) return { status: 'delivered' };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { status: 'waiting', detail: 'the running agent is sending it' };
}

/** Prints the outcome: `done` ("Marked 2 items as favorite") and, unless delivered, what happens next. */
export function report(delivery: Delivery, done: string): void {
  if (delivery.status === 'dropped') throw new AgentError(`Not done: the change could not be saved in the cloud, as ${delivery.detail}.`);
  if (delivery.status === 'delivered') return console.log(`${done}.`);
  console.log(
    `${done} on this device; it reaches the cloud once the server can be reached (${delivery.detail}): ` +
      'the running agent or the next `skyroll sync` sends it, and a later change made elsewhere still wins.',
  );
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
