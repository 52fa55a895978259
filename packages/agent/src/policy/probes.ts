import { execFile } from 'node:child_process';
import { readdir, readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskState, NetworkKind, NetworkState, PowerState, World } from './world.js';

/**
 * Overrides, strongest first: the environment (SKYROLL_NETWORK, SKYROLL_POWER), then the
 * `world.json` file in the state folder — which a running agent re-reads, so a test (or a person
 * on a machine without NetworkManager) can flip cellular → Wi-Fi mid-sync.
 */
export interface WorldOverrides {
  network?: string;
  power?: string;
  /** Battery percentage to report with `power: battery`. */
  battery?: number;
  /** Free bytes to report for the folder's filesystem instead of statfs (tests: a full disk without filling one). */
  diskFreeBytes?: number;
  /** The free-space floor under which downloads stop (or Optimize Storage evicts originals). */
  diskFloorBytes?: number;
}

export const WORLD_FILE = 'world.json';
const NETWORK_KINDS: NetworkKind[] = ['wifi', 'ethernet', 'cellular', 'offline'];
const POWER_KINDS = ['ac', 'battery', 'low-power'] as const;

export async function readOverrides(stateDir: string, env: NodeJS.ProcessEnv = process.env): Promise<WorldOverrides & { from: Record<string, string> }> {
  const from: Record<string, string> = {};
  let file: WorldOverrides = {};
  try {
    file = JSON.parse(await readFile(join(stateDir, WORLD_FILE), 'utf8')) as WorldOverrides;
  } catch {
    // no override file, or one being rewritten: the probes decide
  }
  const network = env.SKYROLL_NETWORK ?? file.network;
  const power = env.SKYROLL_POWER ?? file.power;
  if (network) from.network = env.SKYROLL_NETWORK ? 'env' : 'override-file';
  if (power) from.power = env.SKYROLL_POWER ? 'env' : 'override-file';
  const diskFreeBytes = bytesOf(env.SKYROLL_DISK_FREE_BYTES) ?? bytesOf(file.diskFreeBytes);
  const diskFloorBytes = bytesOf(env.SKYROLL_DISK_FLOOR_BYTES) ?? bytesOf(file.diskFloorBytes);
  return { network, power, battery: file.battery, diskFreeBytes, diskFloorBytes, from };
}

export async function probeWorld(stateDir: string, folder: string, env: NodeJS.ProcessEnv = process.env): Promise<World> {
  const overrides = await readOverrides(stateDir, env);
  const [network, power, disk] = await Promise.all([
    overrides.network ? networkFromOverride(overrides.network, overrides.from.network!) : probeNetwork(),
    overrides.power ? powerFromOverride(overrides.power, overrides.battery, overrides.from.power!) : probePower(),
    probeDisk(folder),
  ]);
  return { network, power, disk: diskWithOverrides(disk, overrides) };
}

export function networkFromOverride(value: string, source: string): NetworkState {
  const kind = NETWORK_KINDS.find((k) => k === value.trim().toLowerCase());
  if (!kind) throw new Error(`SKYROLL_NETWORK must be one of ${NETWORK_KINDS.join(', ')} (got "${value}")`);
  return { kind, metered: kind === 'cellular', source };
}

export function powerFromOverride(value: string, battery: number | undefined, source: string): PowerState {
  const kind = POWER_KINDS.find((k) => k === value.trim().toLowerCase());
  if (!kind) throw new Error(`SKYROLL_POWER must be one of ${POWER_KINDS.join(', ')} (got "${value}")`);
  return {
    ac: kind === 'ac',
    batteryPercent: kind === 'ac' ? null : (battery ?? 80),
    lowPower: kind === 'low-power',
    source,
  };
}

/** NetworkManager through `nmcli`: the primary connection's type and metered flag. */
export async function probeNetwork(): Promise<NetworkState> {
  const fallback: NetworkState = { kind: 'unknown', metered: false, source: 'default' };
  const state = await run('nmcli', ['-t', '-f', 'STATE,CONNECTIVITY,METERED', 'general']);
  if (state === null) return fallback;
  const [nmState = '', connectivity = '', metered = ''] = state.trim().split(':');
  if (nmState.startsWith('disconnected') || connectivity === 'none') {
    return { kind: 'offline', metered: false, source: 'networkmanager' };
  }
  const devices = await run('nmcli', ['-t', '-f', 'TYPE,STATE', 'device']);
  const connected = (devices ?? '')
    .split('\n')
    .map((line) => line.split(':'))
    .filter(([, s]) => s === 'connected')
    .map(([t]) => t);
  const kind: NetworkKind = connected.includes('ethernet')
    ? 'ethernet'
    : connected.includes('wifi')
      ? 'wifi'
      : connected.includes('gsm') || connected.includes('cdma') || connected.includes('wwan')
        ? 'cellular'
        : 'unknown';
  return { kind, metered: metered.startsWith('yes') || kind === 'cellular', source: 'networkmanager' };
}

/** `/sys/class/power_supply` for AC and battery, power-profiles-daemon for low-power mode. */
export async function probePower(root = '/sys/class/power_supply'): Promise<PowerState> {
  let ac: boolean | null = null;
  let batteryPercent: number | null = null;
  let entries: string[] = [];
  try {
    entries = await readdir(root);
  } catch {
    // no power-supply class: a desktop, a server or a container
  }
  for (const name of entries) {
    const type = (await readText(join(root, name, 'type')))?.trim();
    if (type === 'Mains' || type === 'USB') {
      const online = (await readText(join(root, name, 'online')))?.trim();
      if (online !== undefined) ac = ac === true || online === '1';
    } else if (type === 'Battery') {
      const capacity = Number((await readText(join(root, name, 'capacity')))?.trim());
      if (Number.isFinite(capacity)) batteryPercent = batteryPercent === null ? capacity : Math.min(batteryPercent, capacity);
      const status = (await readText(join(root, name, 'status')))?.trim();
      if (status === 'Charging' || status === 'Full') ac = true;
    }
  }
  if (ac === null && batteryPercent !== null) ac = false;
  const profile = await run('powerprofilesctl', ['get']);
  return { ac, batteryPercent, lowPower: profile?.trim() === 'power-saver', source: entries.length ? 'sysfs' : 'default' };
}

export async function probeDisk(folder: string): Promise<DiskState | null> {
  try {
    const s = await statfs(folder);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

export function diskWithOverrides(disk: DiskState | null, overrides: Pick<WorldOverrides, 'diskFreeBytes' | 'diskFloorBytes'>): DiskState | null {
  if (overrides.diskFreeBytes === undefined && overrides.diskFloorBytes === undefined) return disk;
  const base = disk ?? { freeBytes: Number.MAX_SAFE_INTEGER, totalBytes: Number.MAX_SAFE_INTEGER };
  return {
    ...base,
    ...(overrides.diskFreeBytes === undefined ? {} : { freeBytes: overrides.diskFreeBytes, overridden: true }),
    ...(overrides.diskFloorBytes === undefined ? {} : { floorBytes: overrides.diskFloorBytes }),
  };
}

function bytesOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 2000 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
