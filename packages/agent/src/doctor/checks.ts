/**
 * `skyroll doctor`'s checks, in the order people troubleshoot a library that stopped syncing.
 * Pure: the facts are gathered first (facts.ts), so every verdict is table-tested.
 */
import {
  Reason,
  SKYROLL_VERSION,
  UpdateRequiredDetails,
  type DeviceSettings,
  type MeResponse,
  type ServerInfo,
  type StorageDetails,
} from '@skyroll/protocol';
import type { z } from 'zod';
import type { Presence } from '../health/presence.js';
import { formatBytes, floorOf, LOW_BATTERY_PERCENT, powerVerdict, SMALL_ORIGINAL_BYTES } from '../policy/rules.js';
import type { World } from '../policy/world.js';
import type { Item } from '../state/item.repository.js';
import type { Login } from '../state/meta.repository.js';
import type { FolderAccount } from '../sync/folder.js';
import { mismatchFix, mismatchSummary } from '../sync/folder.js';
import { formatSteps, totalMs, type ConnectionReport } from './connection.js';

export type CheckId = Reason;
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  summary: string;
  /** What to do: set on warn and fail, null otherwise. */
  fix: string | null;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

/** A server answer: the value, or the error it gave (code and details), or not asked. */
export type Answer<T> = { ok: true; value: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export interface DoctorFacts {
  now: number;
  login?: Login;
  folder?: string;
  folderExists: boolean;
  /** The account the folder was first synced with. */
  owner?: FolderAccount;
  connection?: ConnectionReport;
  me?: Answer<z.infer<typeof MeResponse>>;
  info?: Answer<ServerInfo>;
  storage?: Answer<StorageDetails>;
  settings: DeviceSettings;
  /** The settings were read from the server now (else: the copy cached by the agent). */
  settingsFresh: boolean;
  pausedUntil: number;
  overrideUntil: number;
  world: World;
  presence: Presence;
  items: Item[];
  /** Files in the folder the agent has not taken in yet. */
  unseen: { path: string; size: number }[];
  /** No progress for this long while items wait on the agent = stuck. */
  stuckAfterMs: number;
  protocol: number;
  agentVersion: string;
}

const WAITING = new Set(['pending', 'uploading', 'downloading', 'blocked']);

export function runChecks(f: DoctorFacts): DoctorReport {
  const checks = [account, syncEnabled, connection, mobileData, cloudStorage, deviceStorage, agent, version, power, massDelete].map((check) => check(f));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

// ---- helpers ----

const ok = (id: CheckId, summary: string): Check => ({ id, status: 'ok', summary, fix: null });
const skip = (id: CheckId, summary: string): Check => ({ id, status: 'skip', summary, fix: null });
const fail = (id: CheckId, summary: string, fix: string): Check => ({ id, status: 'fail', summary, fix });
const warn = (id: CheckId, summary: string, fix: string): Check => ({ id, status: 'warn', summary, fix });

/** Items a running agent holds back for this reason (a stopped agent's reasons may be stale). */
function blockedBy(f: DoctorFacts, reason: Reason): Item[] {
  if (f.presence.kind !== 'running') return [];
  return f.items.filter((i) => i.state === 'blocked' && i.reason === reason);
}

/** Items waiting to move; deletions held by the safety check wait on the person, not on sync. */
function waitingItems(f: DoctorFacts): Item[] {
  return f.items.filter((i) => WAITING.has(i.state) && i.reason !== 'mass-delete');
}

function bytesOf(items: Item[], transfer: 'upload' | 'download'): number {
  return items.filter((i) => i.transfer === transfer).reduce((sum, i) => sum + (i.bytes ?? 0), 0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "1 item waits", "3 items wait". */
function waits(n: number, word: string): string {
  return `${plural(n, word)} wait${n === 1 ? 's' : ''}`;
}

/** Why a check that needs the server cannot run. */
function unasked(f: DoctorFacts): string {
  if (!f.login) return 'this device is not signed in';
  if (updateRequired(f)) return 'update required';
  return reachable(f) ? 'the server did not answer' : 'the server cannot be reached';
}

function loginCommand(f: DoctorFacts, email = f.login?.email ?? 'EMAIL'): string {
  return `skyroll login --server ${f.login?.server ?? 'URL'} --email ${email} --password-stdin`;
}

function syncCommand(f: DoctorFacts): string {
  return `skyroll sync ${f.folder ?? 'DIR'}`;
}

const reachable = (f: DoctorFacts) => f.connection?.ok === true;

function updateRequired(f: DoctorFacts): Answer<unknown> | undefined {
  for (const answer of [f.info, f.me]) if (answer && !answer.ok && answer.code === 'UPDATE_REQUIRED') return answer;
  return undefined;
}

function ago(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

// ---- the checks ----

function account(f: DoctorFacts): Check {
  const id = 'account';
  if (!f.login) return fail(id, 'This device is not signed in', 'skyroll login --server URL --email EMAIL --device NAME --password-stdin');
  if (f.owner && f.folder && f.owner.accountId !== f.login.accountId) {
    return fail(id, mismatchSummary(f.owner, f.login), mismatchFix(f.owner, f.login, f.folder));
  }
  const me = f.me;
  if (!me || updateRequired(f)) return skip(id, `Signed in as ${f.login.email}; the sign-in cannot be verified now (${unasked(f)})`);
  if (!me.ok) {
    if (me.code === 'UNAUTHORIZED') {
      const revoked = me.details?.revoked === true;
      return fail(
        id,
        revoked
          ? `This device was signed out of ${f.login.email} (revoked from another device)`
          : `The server no longer accepts this device's sign-in as ${f.login.email}`,
        `Sign in again: ${loginCommand(f)}`,
      );
    }
    return skip(id, `Signed in as ${f.login.email}; the sign-in could not be verified (${me.message})`);
  }
  if (me.value.accountId !== f.login.accountId) {
    return fail(id, `The server knows this device's token as ${me.value.email}, not ${f.login.email}`, `Sign in again: ${loginCommand(f)}`);
  }
  return ok(id, `Signed in to ${f.login.server} as ${me.value.email} (device ${me.value.deviceName})`);
}

function syncEnabled(f: DoctorFacts): Check {
  const id = 'sync-enabled';
  const source = f.settingsFresh ? '' : ' (as last read from the server)';
  if (!f.settings.sync) return fail(id, `Sync is turned off for this device${source}`, 'skyroll settings sync on');
  if (f.pausedUntil > f.now) {
    const until = f.pausedUntil === Infinity ? 'until resumed' : `until ${new Date(f.pausedUntil).toISOString()}`;
    return fail(id, `Sync is paused ${until}`, 'skyroll resume');
  }
  return ok(id, `Sync is on for this device${source}`);
}

function connection(f: DoctorFacts): Check {
  const id = 'connection';
  if (f.world.network.kind === 'offline') {
    return fail(id, `This device has no network connection (${f.world.network.source})`, 'Connect to Wi-Fi or another network: waiting items start by themselves');
  }
  const c = f.connection;
  if (!c) return skip(id, 'No server to reach: this device is not signed in');
  if (!c.ok) {
    return fail(
      id,
      `Cannot reach the server at ${c.server}: ${c.failure}`,
      `Check that the server is running and that this device can reach ${c.server} (to use another address: ${loginCommand(f)}); waiting items start by themselves`,
    );
  }
  return ok(id, `Reached ${c.server} in ${totalMs(c.steps)} ms (${formatSteps(c.steps)})`);
}

function mobileData(f: DoctorFacts): Check {
  const id = 'mobile-data';
  const { network } = f.world;
  const cellular = network.kind === 'cellular' || network.metered;
  const where = network.metered && network.kind !== 'cellular' ? `a metered ${network.kind} connection` : 'mobile data';
  const waiting = waitingItems(f).length + f.unseen.length;
  if (cellular && !f.settings.mobileData) {
    return fail(
      id,
      `On ${where} with mobile-data sync off${waiting ? `: ${waits(waiting, 'item')} for Wi-Fi` : ''}`,
      'Join Wi-Fi, or allow mobile data: skyroll settings mobile-data on',
    );
  }
  const limited = blockedBy(f, 'mobile-data');
  if (limited.length > 0) {
    return fail(
      id,
      `On ${where} with updates limited: ${plural(limited.length, 'original')} over ${SMALL_ORIGINAL_BYTES / 1024 / 1024} MB wait${limited.length === 1 ? 's' : ''} for Wi-Fi`,
      'Join Wi-Fi, or skyroll settings unlimited-updates on (or skyroll sync-now for an hour)',
    );
  }
  if (cellular) return ok(id, `On ${where}; mobile-data sync is on${f.settings.unlimitedUpdates ? ' with unlimited updates' : ' (large originals wait for Wi-Fi)'}`);
  return ok(id, `Not on mobile data (${network.kind}, ${network.source})`);
}

function cloudStorage(f: DoctorFacts): Check {
  const id = 'cloud-storage';
  const s = f.storage;
  if (!s || !s.ok) return skip(id, `Cloud storage cannot be read now (${s && !updateRequired(f) ? s.message : unasked(f)})`);
  const { usedBytes, quotaBytes, plan } = s.value;
  const pending = bytesOf(waitingItems(f), 'upload') + f.unseen.reduce((sum, u) => sum + u.size, 0);
  const held = blockedBy(f, 'cloud-storage');
  const used = `${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used (plan ${plan})`;
  const trash = s.value.breakdown.trash;
  const bigger = s.value.plans.filter((p) => p.quotaBytes >= usedBytes + pending && p.quotaBytes > quotaBytes).sort((a, b) => a.quotaBytes - b.quotaBytes)[0];
  const freeFix = () => {
    const over = usedBytes + pending - quotaBytes;
    const emptyTrash = trash > 0 ? ` (skyroll trash empty frees ${formatBytes(trash)} in Recently Deleted)` : '';
    const parts = [over > 0 ? `Free ${formatBytes(over)}${emptyTrash}` : `Free space before it fills${emptyTrash}`];
    parts.push(bigger ? `or move to the ${bigger.name} plan (${formatBytes(bigger.quotaBytes)})` : 'or choose a bigger plan');
    const after = held.length > 0 || pending > 0 ? '; waiting uploads start by themselves' : '';
    return `${parts.join(', ')}${after} (skyroll storage shows where the space goes)`;
  };
  if (held.length > 0 || usedBytes + pending > quotaBytes) {
    const what = held.length > 0 ? `${waits(held.length, 'upload')} for space` : `${formatBytes(pending)} waiting to upload does not fit`;
    return fail(id, `Cloud storage is full: ${used}; ${what}`, freeFix());
  }
  if (usedBytes + pending > 0.9 * quotaBytes) return warn(id, `Cloud storage is nearly full: ${used}`, freeFix());
  return ok(id, `${used}${pending ? `; ${formatBytes(pending)} waiting to upload fits` : ''}`);
}

function deviceStorage(f: DoctorFacts): Check {
  const id = 'device-storage';
  if (f.folder && !f.folderExists) return fail(id, `The synced folder ${f.folder} is missing`, 'Mount or restore the folder (an unmounted disk?): nothing is deleted in the cloud meanwhile');
  const disk = f.world.disk;
  if (!disk) return skip(id, 'Free space cannot be read on this device');
  const floor = floorOf(f.world);
  const downloads = bytesOf(waitingItems(f), 'download');
  const held = blockedBy(f, 'device-storage');
  const free = `${formatBytes(disk.freeBytes)} free on the device (keeping ${formatBytes(floor)} free)`;
  const fix = f.settings.optimizeStorage
    ? 'Free space on the device: Optimize Storage is on, but there is nothing left it can replace by a small version'
    : 'Free space on the device, or turn on Optimize Storage (skyroll settings optimize-storage on) to keep small versions here and originals in the cloud';
  if (held.length > 0) return fail(id, `Device storage is full: ${free}; ${waits(held.length, 'download')} for space`, fix);
  if (!f.settings.optimizeStorage && disk.freeBytes - downloads < floor) {
    return downloads > 0
      ? fail(id, `Device storage is too full for what is coming: ${free}; ${formatBytes(downloads)} waits to download`, fix)
      : warn(id, `Device storage is nearly full: ${free}; new photos from other devices will wait`, fix);
  }
  return ok(id, `${free}${downloads ? `; ${formatBytes(downloads)} waiting to download fits` : ''}`);
}

function agent(f: DoctorFacts): Check {
  const id = 'agent';
  if (!f.folder) return fail(id, 'No folder is synced on this device yet', 'skyroll sync DIR (the folder of your photos)');
  const waiting = waitingItems(f).length + f.unseen.length;
  const p = f.presence;
  const restart = `Restart it: ${syncCommand(f)} resumes exactly where it stopped`;
  if (p.kind === 'not-running') {
    if (waiting > 0) {
      const unseen = f.unseen.length ? ` (${plural(f.unseen.length, 'new file')} not seen yet)` : '';
      return fail(id, `The agent is not running, and ${waits(waiting, 'item')}${unseen}`, `Start it: ${syncCommand(f)} resumes exactly where it stopped`);
    }
    return warn(id, 'The agent is not running (nothing waits now): new photos sync only while it runs', `Start it: ${syncCommand(f)}`);
  }
  if (p.kind === 'not-responding') {
    return fail(id, `The agent (pid ${p.pid}) has not responded for ${ago(p.silentMs)}`, `Stop it (kill ${p.pid}), then ${restart.charAt(0).toLowerCase()}${restart.slice(1)}`);
  }
  const beat = p.heartbeat;
  if (beat?.waitingSince) {
    const quietFor = f.now - Math.max(beat.waitingSince, beat.lastProgressAt ?? 0);
    if (quietFor > f.stuckAfterMs) return fail(id, `The agent (pid ${p.pid}) is running but has made no progress for ${ago(quietFor)} while items wait`, `Stop it (kill ${p.pid}), then ${restart.charAt(0).toLowerCase()}${restart.slice(1)}`);
  }
  const failed = f.items.filter((i) => i.state === 'failed');
  if (failed.length > 0) {
    return warn(id, `The agent is running; ${plural(failed.length, 'file')} could not be synced (${failed[0].path}: ${failed[0].detail ?? 'failed'})`, 'See skyroll status: a failed file is tried again once it changes');
  }
  const progress = beat?.lastProgressAt ? `; last progress ${ago(f.now - beat.lastProgressAt)} ago` : '';
  return ok(id, `The agent is running (pid ${p.pid})${progress}`);
}

function version(f: DoctorFacts): Check {
  const id = 'version';
  const refused = updateRequired(f);
  if (refused && !refused.ok) {
    const d = UpdateRequiredDetails.safeParse(refused.details);
    const range = d.success ? `the server (Skyroll ${d.data.serverVersion}) accepts protocol ${d.data.min === d.data.max ? d.data.min : `${d.data.min} to ${d.data.max}`}` : refused.message;
    return fail(id, `Update required: this Skyroll (${f.agentVersion}) speaks protocol ${f.protocol}, and ${range}`, `Update Skyroll on this device, then start it again (${syncCommand(f)})`);
  }
  if (!f.info || !f.info.ok) return skip(id, `The server's versions cannot be read now (${f.info ? f.info.message : unasked(f)})`);
  const info = f.info.value;
  if (f.protocol < info.protocol.min || f.protocol > info.protocol.max) {
    return fail(id, `Update required: this Skyroll speaks protocol ${f.protocol}; the server accepts ${info.protocol.min} to ${info.protocol.max}`, 'Update Skyroll on this device');
  }
  if (compareVersions(info.latestAgentVersion, f.agentVersion) > 0) {
    return warn(id, `Skyroll ${info.latestAgentVersion} is available (this device runs ${f.agentVersion})`, 'Update Skyroll on this device when convenient');
  }
  return ok(id, `Skyroll ${f.agentVersion}, protocol ${f.protocol} (the server accepts ${info.protocol.min} to ${info.protocol.max}); up to date`);
}

function power(f: DoctorFacts): Check {
  const id = 'power';
  const p = f.world.power;
  const state = p.ac === null ? 'no battery information (treated as mains power)' : p.ac ? `on mains power${p.batteryPercent !== null ? ` (battery ${p.batteryPercent}%)` : ''}` : `on battery${p.batteryPercent !== null ? ` at ${p.batteryPercent}%` : ''}`;
  const verdict = powerVerdict({ settings: f.settings, world: f.world, now: f.now, pausedUntil: null, overrideUntil: null });
  if (verdict.allowed) return ok(id, `${capitalize(state)}${f.settings.onlyWhenCharging ? '; only-when-charging is on' : ''}`);
  if (f.overrideUntil > f.now) return ok(id, `${capitalize(state)}, but Sync Now lifts the power rules until ${new Date(f.overrideUntil).toISOString()}`);
  const lowBattery = p.batteryPercent !== null && p.batteryPercent < LOW_BATTERY_PERCENT;
  const fix = f.settings.onlyWhenCharging && p.ac === false && !p.lowPower && !lowBattery
    ? 'Plug in to charge, or skyroll settings only-when-charging off (skyroll sync-now syncs for an hour anyway)'
    : 'Plug in to charge (or leave power-saver mode); skyroll sync-now syncs for an hour anyway';
  return fail(id, `Sync waits for power: ${verdict.detail.replace(/:[^:]*$/, '')} (${state})`, fix);
}

function massDelete(f: DoctorFacts): Check {
  const id = 'mass-delete';
  const held = f.items.filter((i) => i.reason === 'mass-delete');
  if (held.length === 0) return ok(id, 'No deletions held back');
  return fail(
    id,
    `${plural(held.length, 'deletion')} held back: ${held[0].detail ?? 'many files disappeared at once'}`,
    `If you deleted them, confirm: ${syncCommand(f)} --confirm-deletions; if not, put the files (or the disk) back — nothing was deleted in the cloud`,
  );
}

/** Numeric dotted versions: 1 when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const CURRENT_AGENT_VERSION = SKYROLL_VERSION;
