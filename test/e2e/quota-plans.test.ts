/**
 * Plans and quota with a small test plan table (SKYROLL_PLANS, SKYROLL_DEFAULT_QUOTA_BYTES):
 * a full cloud blocks uploads with cloud-storage (saying what to free or which plan fits), and
 * uploads resume by themselves on a running agent once the trash is emptied or the plan grows.
 * Two devices racing for the last bytes never together exceed the quota, and lose nothing.
 * Every photo here has exactly the same size S, so "fits exactly N" is exact.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageDetails } from '@skyroll/protocol';
import { ROUTES } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, describeRun, hashTree, runCli, runCliOk, waitFor, type Device, type SkyrollServer } from '../support/harness.js';
import { makePhoto, photoName, sha256 } from '../support/photos.js';
import { padJpeg, waitForItem } from '../support/policy.js';

/** "By itself": the account poke (SSE) or the purge in the journal releases the waiting uploads. */
const RESUME_MS = 10_000;

interface SizedPhoto {
  name: string;
  bytes: Buffer;
  sha256: string;
}

/** `count` distinct photos of exactly `size` bytes (padded with JPEG comment segments). */
async function equalPhotos(count: number, seed: number, prefix: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const photos = await Promise.all(Array.from({ length: count }, (_, i) => makePhoto(i, { width: 240, height: 180, seed })));
  return photos.map((p, i) => ({ name: photoName(i, prefix), bytes: p.bytes }));
}

async function writeAll(device: Device, photos: SizedPhoto[]): Promise<void> {
  await Promise.all(photos.map((p) => writeFile(join(device.syncDir, p.name), p.bytes)));
}

describe('plans and quota', () => {
  const h = new Harness();
  let server: SkyrollServer;
  /** The size of every photo. */
  let S = 0;
  let single: SizedPhoto[] = [];
  let raceA: SizedPhoto[] = [];
  let raceB: SizedPhoto[] = [];
  let plans: Record<string, number> = {};

  beforeAll(async () => {
    const raw = [...(await equalPhotos(8, 21, 'IMG_')), ...(await equalPhotos(20, 22, 'RACE_A_')), ...(await equalPhotos(20, 23, 'RACE_B_'))];
    S = Math.max(...raw.map((p) => p.bytes.length)) + 64;
    const sized = raw.map((p) => {
      const bytes = padJpeg(p.bytes, S);
      return { name: p.name, bytes, sha256: sha256(bytes) };
    });
    expect(new Set(sized.map((p) => p.sha256)).size, 'all photos distinct').toBe(48);
    single = sized.slice(0, 8);
    raceA = sized.slice(8, 28);
    raceB = sized.slice(28, 48);
    plans = { plus: Math.floor(7.5 * S), race: 25 * S + Math.floor(S / 2), max: 100 * S };
    server = await h.startServer({
      env: { SKYROLL_DEFAULT_QUOTA_BYTES: String(4 * S + Math.floor(S / 2)), SKYROLL_PLANS: JSON.stringify(plans) },
    });
  });
  afterAll(() => h.cleanup());

  async function storageOf(api: ApiClient): Promise<StorageDetails> {
    const res = await api.request<StorageDetails>(ROUTES.storage);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  it('full: blocked with cloud-storage and --once exits 3; trash empty and a bigger plan resume a running agent by themselves', { timeout: 150_000 }, async () => {
    const account = await h.createAccount(server, 1, 'plans');
    const [a] = account.devices;
    const api = await ApiClient.login(server.url, account.email, account.password);
    const first = single.slice(0, 6);
    await writeAll(a, first);

    // 6 photos, room for 4.
    const run = await h.syncOnce(a);
    expect(run.code, describeRun(run)).toBe(3);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/cloud|storage|quota|full/i);
    let status = await h.status(a);
    const blocked = status.items.filter((i) => i.state === 'blocked');
    expect(blocked.length, JSON.stringify(status.items)).toBe(2);
    for (const item of blocked) {
      expect(item.reason, item.path).toBe('cloud-storage');
      // What to free, or which plan fits: 4 S used + S needed fits "plus".
      expect(item.detail ?? '', item.path).toMatch(/free/i);
      expect(item.detail ?? '', item.path).toMatch(/\bplus\b/);
    }
    expect(status.summary.synced).toBe(4);
    expect((await api.liveAssets()).length).toBe(4);
    expect((await storageOf(api)).usedBytes).toBe(4 * S);

    // A running agent; two synced photos deleted on the device go to the trash, which still counts.
    h.startAgent(a);
    const synced = status.items.filter((i) => i.state === 'synced').map((i) => i.path);
    const deleted = synced.slice(0, 2);
    await Promise.all(deleted.map((p) => rm(join(a.syncDir, p))));
    await waitFor(async () => (await api.trashedAssets()).length === 2, 20_000, 'the two deleted photos in the cloud trash');
    let storage = await storageOf(api);
    expect(storage.usedBytes, 'trash counts toward the quota').toBe(4 * S);
    expect(storage.breakdown.trash).toBe(2 * S);
    status = await h.status(a);
    for (const item of blocked) expect(status.items.find((i) => i.path === item.path)?.reason, 'still blocked while trash counts').toBe('cloud-storage');

    // Emptying the trash frees 2 S: the two waiting uploads go by themselves.
    const empty = await runCliOk(['trash', 'empty', '--state', a.stateDir]);
    expect(empty.stdout).toMatch(/2/);
    let started = Date.now();
    await waitFor(async () => (await api.liveAssets()).length === 4, 30_000, 'the 2 blocked photos to upload after trash empty');
    let ms = Date.now() - started;
    expect(ms, `trash empty → uploads resumed in ${ms} ms`).toBeLessThan(RESUME_MS);
    const liveNames = (await api.liveAssets()).map((x) => x.path).sort();
    expect(liveNames).toEqual(first.map((p) => p.name).filter((n) => !deleted.includes(n)).sort());
    expect((await api.trashedAssets()).length).toBe(0);

    // Full again: two more wait with cloud-storage …
    const more = single.slice(6, 8);
    await writeAll(a, more);
    for (const p of more) await waitForItem(h, a, p.name, { state: 'blocked', reason: 'cloud-storage' }, 20_000);
    expect((await api.liveAssets()).length).toBe(4);

    // … until the admin puts the account on a bigger plan, against the running server.
    const setPlan = await runCli(['admin', 'set-plan', account.email, 'plus', '--data', server.dataDir]);
    expect(setPlan.code, describeRun(setPlan)).toBe(0);
    started = Date.now();
    await waitFor(async () => (await api.liveAssets()).length === 6, 30_000, 'the 2 blocked photos to upload after set-plan plus');
    ms = Date.now() - started;
    expect(ms, `set-plan → uploads resumed in ${ms} ms`).toBeLessThan(RESUME_MS);
    status = await waitFor(
      async () => {
        const s = await h.status(a);
        return s.summary.blocked === 0 && s.summary.pending === 0 ? s : undefined;
      },
      10_000,
      'A to report nothing blocked',
    );
    expect(status.summary.synced).toBe(6);

    // `skyroll storage --json` tells what the server's storage route tells.
    storage = await storageOf(api);
    expect(storage.plan).toBe('plus');
    expect(storage.quotaBytes).toBe(plans.plus);
    expect(storage.usedBytes).toBe(6 * S);
    const cli = await runCliOk(['storage', '--json', '--state', a.stateDir]);
    const shown = JSON.parse(cli.stdout) as StorageDetails;
    expect(shown.plan).toBe(storage.plan);
    expect(shown.quotaBytes).toBe(storage.quotaBytes);
    expect(shown.usedBytes).toBe(storage.usedBytes);
    expect(shown.breakdown).toEqual(storage.breakdown);
    expect(shown.plans).toEqual(storage.plans);
  });

  it('race: two devices × 20 photos against a quota of exactly 25 → 25 stored, 15 waiting with cloud-storage, nothing lost', { timeout: 150_000 }, async () => {
    const account = await h.createAccount(server, 2, 'race');
    const [a, b] = account.devices;
    await runCliOk(['admin', 'set-plan', account.email, 'race', '--data', server.dataDir]);
    const api = await ApiClient.login(server.url, account.email, account.password);
    expect((await storageOf(api)).quotaBytes).toBe(plans.race);
    await writeAll(a, raceA);
    await writeAll(b, raceB);

    const [runA, runB] = await Promise.all([h.syncOnce(a), h.syncOnce(b)]);
    for (const [name, run] of [['A', runA], ['B', runB]] as const) expect([0, 3], `device ${name}: ${describeRun(run)}`).toContain(run.code);
    expect([runA.code, runB.code], 'someone must be blocked').toContain(3);

    const live = await api.liveAssets();
    expect(live.length, 'assets stored on the server').toBe(25);
    const storage = await storageOf(api);
    expect(storage.usedBytes).toBe(25 * S);
    expect(storage.usedBytes).toBeLessThanOrEqual(storage.quotaBytes);

    const onServer = new Set(live.map((x) => x.checksum));
    const waiting: string[] = [];
    for (const [device, own] of [
      [a, raceA],
      [b, raceB],
    ] as const) {
      const status = await h.status(device);
      for (const p of own) {
        const item = status.items.find((i) => i.path === p.name);
        if (onServer.has(p.sha256)) {
          expect(item?.state, `${device.name}/${p.name} is on the server`).toBe('synced');
        } else {
          expect(item?.state, `${device.name}/${p.name}: ${JSON.stringify(item)}`).toBe('blocked');
          expect(item?.reason, `${device.name}/${p.name}`).toBe('cloud-storage');
          waiting.push(`${device.name}/${p.name}`);
        }
      }
      // Nothing lost: every photo the device added is still there, byte for byte.
      const tree = await hashTree(device.syncDir);
      for (const p of own) expect(tree.get(p.name), `${device.name}/${p.name} still on its device, unchanged`).toBe(p.sha256);
    }
    expect(waiting.length, waiting.join(', ')).toBe(15);
  });
});
