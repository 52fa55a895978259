import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeDisk, probePower, probeWorld, WORLD_FILE } from './probes.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'skyroll-probe-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function supply(root: string, name: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, name, file), `${text}\n`);
}

describe('probePower', () => {
  it('reads a laptop on battery', async () => {
    const root = await tempDir();
    await supply(root, 'AC', { type: 'Mains', online: '0' });
    await supply(root, 'BAT0', { type: 'Battery', capacity: '17', status: 'Discharging' });
    const p = await probePower(root);
    expect(p).toMatchObject({ ac: false, batteryPercent: 17, source: 'sysfs' });
  });

  it('reads a laptop plugged in', async () => {
    const root = await tempDir();
    await supply(root, 'AC', { type: 'Mains', online: '1' });
    await supply(root, 'BAT0', { type: 'Battery', capacity: '55', status: 'Charging' });
    expect(await probePower(root)).toMatchObject({ ac: true, batteryPercent: 55 });
  });

  it('falls back to unknown power where there is no power-supply class', async () => {
    const p = await probePower(join(await tempDir(), 'missing'));
    expect(p).toMatchObject({ ac: null, batteryPercent: null, source: 'default' });
  });
});

describe('probeWorld overrides', () => {
  it('the environment wins over the file, the file over the probes', async () => {
    const state = await tempDir();
    await writeFile(join(state, WORLD_FILE), JSON.stringify({ network: 'cellular', power: 'battery', battery: 12 }));
    const fromFile = await probeWorld(state, state, {});
    expect(fromFile.network).toMatchObject({ kind: 'cellular', metered: true, source: 'override-file' });
    expect(fromFile.power).toMatchObject({ ac: false, batteryPercent: 12, source: 'override-file' });
    const fromEnv = await probeWorld(state, state, { SKYROLL_NETWORK: 'wifi', SKYROLL_POWER: 'low-power' });
    expect(fromEnv.network).toMatchObject({ kind: 'wifi', metered: false, source: 'env' });
    expect(fromEnv.power).toMatchObject({ lowPower: true, source: 'env' });
  });

  it('rejects a value it does not know, naming the accepted ones', async () => {
    const state = await tempDir();
    await expect(probeWorld(state, state, { SKYROLL_NETWORK: '5g' })).rejects.toThrow(/wifi, ethernet, cellular, offline/);
  });
});

describe('disk overrides', () => {
  it('world.json sets the reported free space and the floor; the environment wins', async () => {
    const state = await tempDir();
    await writeFile(join(state, WORLD_FILE), JSON.stringify({ diskFreeBytes: 1000, diskFloorBytes: 5000 }));
    const fromFile = await probeWorld(state, state, {});
    expect(fromFile.disk).toMatchObject({ freeBytes: 1000, floorBytes: 5000, overridden: true });
    expect(fromFile.disk!.totalBytes).toBeGreaterThan(0);
    const fromEnv = await probeWorld(state, state, { SKYROLL_DISK_FLOOR_BYTES: '200', SKYROLL_DISK_FREE_BYTES: '300' });
    expect(fromEnv.disk).toMatchObject({ freeBytes: 300, floorBytes: 200 });
  });

  it.each([
    [{}, undefined, undefined],
    [{ diskFloorBytes: 10 }, undefined, 10],
    [{ diskFreeBytes: -1, diskFloorBytes: 'lots' }, undefined, undefined],
  ])('%j', async (file, free, floor) => {
    const state = await tempDir();
    await writeFile(join(state, WORLD_FILE), JSON.stringify(file));
    const disk = (await probeWorld(state, state, {})).disk!;
    expect(disk.overridden).toBe(free === undefined ? undefined : true);
    expect(disk.floorBytes).toBe(floor);
  });
});

describe('probeDisk', () => {
  it('reports free space of the folder filesystem', async () => {
    const d = await probeDisk(await tempDir());
    expect(d!.totalBytes).toBeGreaterThan(0);
    expect(d!.freeBytes).toBeGreaterThan(0);
    expect(d!.freeBytes).toBeLessThanOrEqual(d!.totalBytes);
  });
});
