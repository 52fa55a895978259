import { describe, expect, it } from 'vitest';
import { DISK_FLOOR_BYTES, decide, SMALL_ORIGINAL_BYTES, type PolicyContext, type Work } from './rules.js';
import { DEFAULT_SETTINGS, type DeviceSettings, type World } from './world.js';

const NOW = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const MB = 1024 * 1024;

const wifiOnAc: World = {
  network: { kind: 'wifi', metered: false, source: 'test' },
  power: { ac: true, batteryPercent: 80, lowPower: false, source: 'test' },
  disk: { freeBytes: 100 * 1024 * MB, totalBytes: 500 * 1024 * MB },
};

interface Row {
  name: string;
  work?: Partial<Work>;
  settings?: Partial<DeviceSettings>;
  network?: Partial<World['network']>;
  power?: Partial<World['power']>;
  freeBytes?: number;
  floorBytes?: number;
  pausedUntil?: number;
  overrideUntil?: number;
  expect: string | 'allowed';
}

const rows: Row[] = [
  { name: 'wifi, AC, defaults', expect: 'allowed' },
  { name: 'sync off blocks everything', settings: { sync: false }, work: { kind: 'metadata', bytes: 0 }, expect: 'sync-enabled' },
  { name: 'sync off wins over offline', settings: { sync: false }, network: { kind: 'offline' }, expect: 'sync-enabled' },
  { name: 'paused for a day', pausedUntil: NOW + 24 * HOUR, expect: 'sync-enabled' },
  { name: 'pause that has ended', pausedUntil: NOW - 1, expect: 'allowed' },
  { name: 'offline queues work', network: { kind: 'offline' }, expect: 'connection' },
  { name: 'cellular, mobile data off', network: { kind: 'cellular' }, settings: { mobileData: false }, expect: 'mobile-data' },
  { name: 'cellular, mobile data off, even metadata', network: { kind: 'cellular' }, settings: { mobileData: false }, work: { kind: 'metadata', bytes: 100 }, expect: 'mobile-data' },
  { name: 'metered wifi counts as cellular', network: { kind: 'wifi', metered: true }, settings: { mobileData: false }, expect: 'mobile-data' },
  { name: 'cellular, limited updates, small original moves', network: { kind: 'cellular' }, work: { bytes: SMALL_ORIGINAL_BYTES }, expect: 'allowed' },
  { name: 'cellular, limited updates, large original waits', network: { kind: 'cellular' }, work: { bytes: SMALL_ORIGINAL_BYTES + 1 }, expect: 'mobile-data' },
  { name: 'cellular, limited updates, metadata moves', network: { kind: 'cellular' }, work: { kind: 'metadata', bytes: 10 * SMALL_ORIGINAL_BYTES }, expect: 'allowed' },
  { name: 'cellular, unlimited updates, large original moves', network: { kind: 'cellular' }, settings: { unlimitedUpdates: true }, work: { bytes: 500 * MB }, expect: 'allowed' },
  { name: 'cellular, limited, Sync Now lifts the size limit', network: { kind: 'cellular' }, overrideUntil: NOW + HOUR, work: { bytes: 500 * MB }, expect: 'allowed' },
  { name: 'Sync Now does not lift mobile data off', network: { kind: 'cellular' }, settings: { mobileData: false }, overrideUntil: NOW + HOUR, expect: 'mobile-data' },
  { name: 'only when charging, on battery', settings: { onlyWhenCharging: true }, power: { ac: false, batteryPercent: 90 }, expect: 'power' },
  { name: 'only when charging, on AC', settings: { onlyWhenCharging: true }, power: { ac: true }, expect: 'allowed' },
  { name: 'only when charging, no power info (desktop)', settings: { onlyWhenCharging: true }, power: { ac: null, batteryPercent: null }, expect: 'allowed' },
  { name: 'battery under 20% waits', power: { ac: false, batteryPercent: 19 }, expect: 'power' },
  { name: 'battery at 20% moves', power: { ac: false, batteryPercent: 20 }, expect: 'allowed' },
  { name: 'low battery but charging moves', power: { ac: true, batteryPercent: 5 }, expect: 'allowed' },
  { name: 'low power mode waits', power: { lowPower: true }, expect: 'power' },
  { name: 'Sync Now lifts power rules', power: { lowPower: true }, overrideUntil: NOW + HOUR, expect: 'allowed' },
  { name: 'expired Sync Now does not', power: { lowPower: true }, overrideUntil: NOW - 1, expect: 'power' },
  { name: 'download under the disk floor waits', work: { kind: 'download', bytes: 10 * MB }, freeBytes: DISK_FLOOR_BYTES + 5 * MB, expect: 'device-storage' },
  { name: 'download above the disk floor moves', work: { kind: 'download', bytes: 10 * MB }, freeBytes: DISK_FLOOR_BYTES + 10 * MB, expect: 'allowed' },
  { name: 'an overridden floor (tests) applies instead', work: { kind: 'download', bytes: MB }, freeBytes: 3 * MB, floorBytes: 2 * MB + 1, expect: 'device-storage' },
  { name: 'an overridden floor, room enough', work: { kind: 'download', bytes: MB }, freeBytes: 3 * MB, floorBytes: 2 * MB, expect: 'allowed' },
  { name: 'upload ignores the disk floor', work: { kind: 'upload', bytes: 10 * MB }, freeBytes: 0, expect: 'allowed' },
];

describe('decide', () => {
  it.each(rows)('$name → $expect', (row) => {
    const world: World = {
      network: { ...wifiOnAc.network, ...row.network },
      power: { ...wifiOnAc.power, ...row.power },
      disk: { ...wifiOnAc.disk!, ...(row.freeBytes === undefined ? {} : { freeBytes: row.freeBytes }), ...(row.floorBytes === undefined ? {} : { floorBytes: row.floorBytes }) },
    };
    const ctx: PolicyContext = {
      settings: { ...DEFAULT_SETTINGS, ...row.settings },
      world,
      now: NOW,
      pausedUntil: row.pausedUntil ?? null,
      overrideUntil: row.overrideUntil ?? null,
    };
    const verdict = decide({ kind: 'upload', bytes: 2 * MB, ...row.work }, ctx);
    if (row.expect === 'allowed') {
      expect(verdict).toEqual({ allowed: true });
    } else {
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) {
        expect(verdict.reason).toBe(row.expect);
        expect(verdict.detail.length).toBeGreaterThan(10);
      }
    }
  });
});
