/**
 * The device's world and settings, as end-to-end tests drive them: STATE/world.json (re-read by a
 * running agent), `skyroll settings`, and status items awaited by path.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Device, Harness, StatusItem, StatusReport } from './harness.js';
import { runCliOk } from './processes.js';
import { waitFor } from './wait.js';

/** What STATE/world.json may say (the agent's override file). */
export interface WorldFile {
  network?: 'wifi' | 'ethernet' | 'cellular' | 'offline';
  power?: 'ac' | 'battery' | 'low-power';
  battery?: number;
  diskFreeBytes?: number;
  diskFloorBytes?: number;
}

/**
 * The harness's default environment pins SKYROLL_NETWORK=ethernet and SKYROLL_POWER=ac, which win
 * over world.json; agents whose world a test flips through the file start with this env instead.
 */
export const WORLD_FROM_FILE: Record<string, string | undefined> = { SKYROLL_NETWORK: undefined, SKYROLL_POWER: undefined };

/** Writes STATE/world.json atomically (a running agent never reads half a file). */
export async function writeWorld(device: Device, world: WorldFile): Promise<void> {
  const path = join(device.stateDir, 'world.json');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(world));
  await rename(tmp, path);
}

/** `skyroll settings KEY VALUE` on a device (must exit 0). */
export async function setSetting(device: Device, key: string, value: 'on' | 'off'): Promise<void> {
  await runCliOk(['settings', key, value, '--state', device.stateDir], { env: WORLD_FROM_FILE });
}

export function itemAt(report: StatusReport, path: string): StatusItem | undefined {
  return report.items.find((i) => i.path === path);
}

/** Waits until `status --json` of the device shows `path` in `state` (and `reason`, if given). */
export async function waitForItem(
  h: Harness,
  device: Device,
  path: string,
  expected: { state: string; reason?: string | null },
  timeoutMs: number,
): Promise<StatusItem> {
  let last: StatusReport | undefined;
  return waitFor(
    async () => {
      last = await h.status(device);
      const item = itemAt(last, path);
      if (!item || item.state !== expected.state) return undefined;
      if (expected.reason !== undefined && item.reason !== expected.reason) return undefined;
      return item;
    },
    timeoutMs,
    `${path} on device ${device.name} to be ${expected.state}${expected.reason ? ` (${expected.reason})` : ''}`,
    { intervalMs: 300, explain: () => `last status of ${device.name}: ${JSON.stringify(last?.items ?? null)}` },
  );
}

/**
 * The same JPEG grown to exactly `size` bytes with COM (comment) segments right after SOI: still a
 * valid JPEG with the same pixels, so a series can have exactly equal sizes.
 */
export function padJpeg(bytes: Buffer, size: number, label = 'skyroll-e2e padding'): Buffer {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('padJpeg: not a JPEG');
  let missing = size - bytes.length;
  if (missing === 0) return bytes;
  if (missing < 4) throw new Error(`padJpeg: cannot add ${missing} bytes (a segment takes at least 4)`);
  const segments: Buffer[] = [];
  while (missing > 0) {
    // Segment = FF FE + 2-byte length (which counts itself) + payload; at most 65535 + 2 bytes.
    let total = Math.min(missing, 65_537);
    // Never leave a remainder too small for a segment of its own.
    if (missing - total > 0 && missing - total < 4) total -= 4;
    const payload = Buffer.alloc(total - 4, 0x20);
    payload.write(label.slice(0, payload.length));
    const header = Buffer.from([0xff, 0xfe, ((total - 2) >> 8) & 0xff, (total - 2) & 0xff]);
    segments.push(header, payload);
    missing -= total;
  }
  return Buffer.concat([bytes.subarray(0, 2), ...segments, bytes.subarray(2)]);
}
