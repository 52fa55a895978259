/** The device's health, from its state alone (pure): what the heartbeat reports and the doctor reads. */
import { Reason, SKYROLL_VERSION, type DeviceHealthReport } from '@skyroll/protocol';
import type { Item } from '../state/item.repository.js';

export interface HealthInput {
  items: Item[];
  /** Items in sync (the base). */
  synced: number;
  /** What stops the whole device, when something does (paused, offline, signed out…). */
  stop?: { reason: Reason | null; detail: string } | undefined;
  lastError: { at: number; message: string } | null;
  lastProgressAt: number | null;
  protocol: number;
}

const WAITING = new Set(['pending', 'uploading', 'downloading']);

/** Items waiting for the agent itself (no outside cause named): they should be moving. */
export function unexplainedWaiting(items: Item[]): Item[] {
  return items.filter((i) => WAITING.has(i.state) && (i.reason === null || i.reason === 'agent'));
}

export function healthOf(input: HealthInput): DeviceHealthReport {
  let pending = 0;
  let blocked = 0;
  let failed = 0;
  let uploads = 0;
  let downloads = 0;
  let pendingBytes = 0;
  const byReason = new Map<Reason, { count: number; detail: string | null }>();
  for (const item of input.items) {
    const waiting = WAITING.has(item.state);
    if (waiting) pending++;
    else if (item.state === 'blocked') blocked++;
    else if (item.state === 'failed') failed++;
    if (!waiting && item.state !== 'blocked') continue;
    if (item.transfer === 'upload') uploads++;
    if (item.transfer === 'download') downloads++;
    pendingBytes += item.bytes ?? 0;
    if (item.reason) {
      const seen = byReason.get(item.reason) ?? { count: 0, detail: item.detail };
      byReason.set(item.reason, { count: seen.count + 1, detail: seen.detail });
    }
  }
  const main = input.stop?.reason ? { reason: input.stop.reason, detail: input.stop.detail } : mostCommon(byReason);
  return {
    agentVersion: SKYROLL_VERSION,
    protocol: input.protocol,
    synced: input.synced,
    pending,
    blocked,
    failed,
    uploads,
    downloads,
    pendingBytes,
    reason: main?.reason ?? null,
    detail: main?.detail?.slice(0, 2000) ?? null,
    lastError: input.lastError && { at: input.lastError.at, message: input.lastError.message.slice(0, 2000) },
    lastProgressAt: input.lastProgressAt,
  };
}

/** The reason most items share; a tie goes to the one the doctor checks first. */
function mostCommon(byReason: Map<Reason, { count: number; detail: string | null }>): { reason: Reason; detail: string | null } | undefined {
  let best: { reason: Reason; detail: string | null; count: number } | undefined;
  for (const reason of Reason.options) {
    const seen = byReason.get(reason);
    if (seen && (!best || seen.count > best.count)) best = { reason, ...seen };
  }
  return best && { reason: best.reason, detail: best.detail };
}
