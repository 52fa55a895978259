/** `skyroll status`: every item and why it is not synced, from the state alone (pure). */
import type { Item, ItemState, Reason } from './state/item.repository.js';

export interface StatusItem {
  path: string;
  state: ItemState | 'synced';
  reason: Reason | null;
  detail: string | null;
  /** Metadata of the item's asset (defaults for a file not in the cloud yet). */
  favorite?: boolean;
  hidden?: boolean;
  /** Names of the albums holding it. */
  albums?: string[];
}

export interface ItemMetadata {
  favorite: boolean;
  hidden: boolean;
  albums: string[];
}

export interface StatusReport {
  summary: { synced: number; pending: number; blocked: number; failed: number };
  items: StatusItem[];
}

export interface StatusInput {
  syncedPaths: string[];
  items: Item[];
  /** When the device is paused, waiting items are blocked by that. */
  paused?: { detail: string };
  /** Synced items this device holds as previews (Optimize Storage). */
  optimizedPaths?: string[];
  /** Only this path (a file, or a folder and what it holds), relative to the synced folder. */
  under?: string;
  /** Files in the folder the agent has not seen yet (added while it was not running). */
  unseenPaths?: string[];
  /** When no agent is there to move waiting items: why, with the fix (they wait on reason `agent`). */
  agentAbsent?: { detail: string };
  /** The metadata of the asset at a path (undefined: none known); given, every item carries it. */
  metadataOf?: (path: string) => ItemMetadata | undefined;
}

export function statusReport(input: StatusInput): StatusReport {
  const byPath = new Map<string, StatusItem>();
  for (const path of input.syncedPaths) byPath.set(path, { path, state: 'synced', reason: null, detail: null });
  for (const path of input.optimizedPaths ?? []) {
    if (byPath.has(path)) byPath.set(path, { path, state: 'optimized', reason: null, detail: 'the original is in the cloud (skyroll fetch PATH brings it back)' });
  }
  for (const path of input.unseenPaths ?? []) {
    if (!byPath.has(path)) byPath.set(path, { path, state: 'pending', reason: null, detail: 'new: not uploaded yet' });
  }
  for (const item of input.items) byPath.set(item.path, { path: item.path, state: item.state, reason: item.reason, detail: item.detail });
  for (const [path, item] of byPath) {
    const waiting = item.state === 'pending' || item.state === 'uploading' || item.state === 'downloading';
    if (!waiting) continue;
    if (input.paused) byPath.set(path, { path, state: 'blocked', reason: 'sync-enabled', detail: input.paused.detail });
    else if (input.agentAbsent && (item.reason === null || item.reason === 'agent')) {
      byPath.set(path, { path, state: 'pending', reason: 'agent', detail: input.agentAbsent.detail });
    }
  }
  const under = input.under?.replace(/\/+$/, '');
  const items = [...byPath.values()]
    .filter((i) => !under || under === '.' || i.path === under || i.path.startsWith(`${under}/`))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((i) => (input.metadataOf ? { ...i, ...(input.metadataOf(i.path) ?? { favorite: false, hidden: false, albums: [] }) } : i));
  const summary = { synced: 0, pending: 0, blocked: 0, failed: 0 };
  for (const i of items) {
    if (i.state === 'synced' || i.state === 'optimized') summary.synced++;
    else if (i.state === 'pending' || i.state === 'uploading' || i.state === 'downloading') summary.pending++;
    else if (i.state === 'blocked') summary.blocked++;
    else if (i.state === 'failed') summary.failed++;
  }
  return { summary, items };
}

/** One line per item that is not synced or has metadata (favorite, hidden, albums), then the summary. */
export function formatStatus(report: StatusReport): string {
  const lines = report.items
    .filter((i) => (i.state !== 'synced' && i.state !== 'optimized') || metadataText(i))
    .map((i) => `${i.state.padEnd(11)} ${i.path}${i.reason ? `  [${i.reason}]` : ''}${i.detail ? `  ${i.detail}` : ''}${metadataText(i) ? `  (${metadataText(i)})` : ''}`);
  const { synced, pending, blocked, failed } = report.summary;
  lines.push(`${synced} synced, ${pending} pending, ${blocked} blocked, ${failed} failed`);
  return lines.join('\n');
}

/** "favorite, hidden, in Lisbon, Porto", or '' when the item has none of them. */
function metadataText(item: StatusItem): string {
  const parts: string[] = [];
  if (item.favorite) parts.push('favorite');
  if (item.hidden) parts.push('hidden');
  if (item.albums?.length) parts.push(`in ${item.albums.join(', ')}`);
  return parts.join(', ');
}
