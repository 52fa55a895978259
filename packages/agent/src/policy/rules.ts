import type { DeviceSettings, World } from './world.js';

/** The doctor ids a policy rule can block work with. */
export type PolicyReason = 'sync-enabled' | 'connection' | 'mobile-data' | 'power' | 'device-storage';

/** A piece of work the agent wants to do, as the rules see it. */
export interface Work {
  /** `metadata` covers journal reads, commits, moves and trash changes: small requests. */
  kind: 'metadata' | 'upload' | 'download';
  /** Bytes the work moves (the original's size for transfers). */
  bytes: number;
}

export interface PolicyContext {
  settings: DeviceSettings;
  world: World;
  now: number;
  /** `skyroll pause --for …`: nothing moves before this time (epoch ms), null when not paused. */
  pausedUntil: number | null;
  /** "Sync Now": waiting rules (mobile-data limits, power) are lifted until this time. */
  overrideUntil: number | null;
}

export type Verdict = { allowed: true } | { allowed: false; reason: PolicyReason; detail: string };

/** Originals up to this size still move on cellular when "unlimited updates" is off. */
export const SMALL_ORIGINAL_BYTES = 20 * 1024 * 1024;
/** Under this charge on battery, sync waits (as iCloud Photos does), charging setting or not. */
export const LOW_BATTERY_PERCENT = 20;
/** Downloads keep at least this much free on the device's disk. */
export const DISK_FLOOR_BYTES = 512 * 1024 * 1024;

const ALLOWED: Verdict = { allowed: true };

/**
 * May this work run now? Pure: the same context always gives the same verdict, and every
 * refusal names the doctor check that explains it.
 */
export function decide(work: Work, ctx: PolicyContext): Verdict {
  const { settings, world, now } = ctx;
  if (!settings.sync) {
    return blocked('sync-enabled', 'Sync is turned off for this device: `skyroll settings sync on` turns it back on');
  }
  if (ctx.pausedUntil !== null && ctx.pausedUntil > now) {
    return blocked('sync-enabled', `Sync is paused until ${new Date(ctx.pausedUntil).toISOString()}: \`skyroll resume\` resumes now`);
  }
  if (world.network.kind === 'offline') {
    return blocked('connection', 'No network connection: work is queued and starts when the device is back online');
  }
  const overridden = ctx.overrideUntil !== null && ctx.overrideUntil > now;
  const cellular = world.network.kind === 'cellular' || world.network.metered;
  if (cellular && !settings.mobileData) {
    return blocked('mobile-data', 'On mobile data with mobile-data sync off: waiting for Wi-Fi (`skyroll settings mobile-data on` to allow it)');
  }
  if (cellular && !settings.unlimitedUpdates && !overridden && work.kind !== 'metadata' && work.bytes > SMALL_ORIGINAL_BYTES) {
    return blocked(
      'mobile-data',
      `On mobile data with updates limited: originals over ${SMALL_ORIGINAL_BYTES / 1024 / 1024} MB wait for Wi-Fi (\`skyroll settings unlimited-updates on\`, or \`skyroll sync-now\`)`,
    );
  }
  if (!overridden) {
    const power = powerVerdict(ctx);
    if (!power.allowed) return power;
  }
  if (work.kind === 'download' && world.disk && world.disk.freeBytes - work.bytes < floorOf(world)) {
    return blocked(
      'device-storage',
      `Device storage is nearly full (${formatBytes(world.disk.freeBytes)} free): free space, or turn on Optimize Storage`,
    );
  }
  return ALLOWED;
}

/** The free space downloads keep on the device. */
export function floorOf(world: World): number {
  return world.disk?.floorBytes ?? DISK_FLOOR_BYTES;
}

export function powerVerdict(ctx: PolicyContext): Verdict {
  const { power } = ctx.world;
  const onBattery = power.ac === false;
  if (power.lowPower) {
    return blocked('power', 'Low Power Mode is on: sync waits (plug in, leave power-saver, or `skyroll sync-now`)');
  }
  if (onBattery && power.batteryPercent !== null && power.batteryPercent < LOW_BATTERY_PERCENT) {
    return blocked('power', `Battery at ${power.batteryPercent}%: sync waits until the device is charging`);
  }
  if (onBattery && ctx.settings.onlyWhenCharging) {
    return blocked('power', 'Only-when-charging is on and the device is on battery: plug in to sync');
  }
  return ALLOWED;
}

function blocked(reason: PolicyReason, detail: string): Verdict {
  return { allowed: false, reason, detail };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}
