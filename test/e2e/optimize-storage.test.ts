/**
 * Optimize Storage and the device-storage rule, with real agents: on a device short of space
 * (STATE/world.json: diskFreeBytes under diskFloorBytes), Optimize Storage replaces the least
 * recently used originals with the server's previews while the cloud keeps the originals;
 * `skyroll fetch` brings an original back byte for byte; an edit to a placeholder never replaces
 * the original in the cloud. Without Optimize Storage, downloads wait with device-storage and
 * resume when space returns.
 */
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, ROUTES, type Asset } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, hashTree, runCliOk, sleep, treeOf, waitFor, waitForTrees, type Account, type Device, type SkyrollServer } from '../support/harness.js';
import { makePhoto, sha256, writePhotos, type WrittenPhoto } from '../support/photos.js';
import { WORLD_FROM_FILE, itemAt, setSetting, waitForItem, writeWorld } from '../support/policy.js';

const run = promisify(execFile);
const GiB = 1024 ** 3;
const FLOOR = 2 * GiB;
/** The gain the agent estimates per eviction is the original's size minus this (eviction.ts). */
const PREVIEW_ESTIMATE = 512 * 1024;
const RECOVERY_MS = 10_000;

async function download(api: ApiClient, path: string): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(api.baseUrl + path, { headers: { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), authorization: `Bearer ${api.token}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('Optimize Storage and device storage', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let a: Device;
  let b: Device;
  let api: ApiClient;
  let photos: WrittenPhoto[];
  /** checksum → asset on the server. */
  const assets = new Map<string, Asset>();

  beforeAll(async () => {
    server = await h.startServer();
    account = await h.createAccount(server, 2, 'optimize');
    [a, b] = account.devices;
    api = await ApiClient.login(server.url, account.email, account.password);
    for (const d of [a, b]) await writeWorld(d, { network: 'wifi', power: 'ac' });
    // Originals larger than a preview's 2048 px, and a few MB each.
    photos = await writePhotos(a.syncDir, 4, { width: 2400, height: 1600, seed: 31 });
    h.startAgent(a, { env: WORLD_FROM_FILE });
    h.startAgent(b, { env: WORLD_FROM_FILE });
    await waitForTrees([a, b], treeOf(photos), 90_000, 'the 4 originals from A on B');
    for (const x of await api.liveAssets()) assets.set(x.checksum, x);
    expect(assets.size).toBe(4);
    // The server has made every preview (an eviction needs it).
    await waitFor(
      async () => {
        for (const x of assets.values()) if ((await download(api, ROUTES.preview(x.id))).status !== 200) return false;
        return true;
      },
      60_000,
      'the server to make the 4 previews',
    );
  }, 180_000);
  afterAll(() => h.cleanup());

  it('optimize-storage off, free space under the floor: downloads wait with device-storage and resume when space returns', { timeout: 120_000 }, async () => {
    const c = await h.addDevice(server, account, 'C');
    await writeWorld(c, { network: 'wifi', power: 'ac', diskFreeBytes: 100 * 1024 * 1024, diskFloorBytes: 1 * GiB });
    h.startAgent(c, { env: WORLD_FROM_FILE });
    for (const p of photos) {
      const item = await waitForItem(h, c, p.relativePath, { state: 'blocked', reason: 'device-storage' }, 30_000);
      expect(item.detail ?? '').toMatch(/storage|space|free/i);
    }
    await sleep(2_000);
    expect((await hashTree(c.syncDir)).size, 'nothing downloaded while space is short').toBe(0);

    const started = Date.now();
    await writeWorld(c, { network: 'wifi', power: 'ac', diskFreeBytes: 500 * GiB, diskFloorBytes: 1 * GiB });
    await waitForTrees([c], treeOf(photos), 30_000, 'the 4 originals on C once space returns');
    const ms = Date.now() - started;
    expect(ms, `space back → downloads done in ${ms} ms`).toBeLessThan(RECOVERY_MS);
  });

  it('under the floor, the least recently used originals on B become previews; fetch brings one back; an edit to a placeholder keeps the original', { timeout: 150_000 }, async () => {
    const sizes = photos.map((p) => p.bytes.length);
    const gain = Math.min(...sizes) - PREVIEW_ESTIMATE;
    expect(Math.max(...sizes) - PREVIEW_ESTIMATE, 'one eviction must not be enough').toBeLessThan(1.5 * gain);

    // photos[0] and [1] were used just now (atime later than every mtime); [2] and [3] are the least
    // recently used, although they sort last by name and arrived on B last (latest mtimes).
    const future = Math.floor(Date.now() / 1000) + 600;
    for (const p of photos.slice(0, 2)) await run('touch', ['-a', '-d', `@${future}`, join(b.syncDir, p.relativePath)]);
    const lru = photos.slice(2);
    const recent = photos.slice(0, 2);

    await setSetting(b, 'optimize-storage', 'on');
    // Short of space by 1.5 evictions: exactly two originals must go.
    await writeWorld(b, { network: 'wifi', power: 'ac', diskFloorBytes: FLOOR, diskFreeBytes: FLOOR - Math.floor(1.5 * gain) });

    for (const p of lru) await waitForItem(h, b, p.relativePath, { state: 'optimized' }, 30_000);
    await sleep(1_500);
    const status = await h.status(b);
    for (const p of recent) expect(itemAt(status, p.relativePath)?.state, `${p.relativePath} (recently used) keeps its original`).toBe('synced');
    const bTree = await hashTree(b.syncDir);
    for (const p of recent) expect(bTree.get(p.relativePath), `${p.relativePath} on B`).toBe(p.sha256);
    for (const p of lru) {
      const abs = join(b.syncDir, p.relativePath);
      const size = (await stat(abs)).size;
      expect(size, `${p.relativePath}: the placeholder is smaller than the original`).toBeLessThan(p.bytes.length);
      const meta = await sharp(await readFile(abs)).metadata();
      expect(meta.format, `${p.relativePath}: placeholder format`).toBe('jpeg');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0), `${p.relativePath}: placeholder long edge`).toBeLessThanOrEqual(2048);
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeGreaterThan(0);
      // The cloud keeps the original, byte for byte.
      const original = await download(api, ROUTES.original(assets.get(p.sha256)!.id));
      expect(original.status).toBe(200);
      expect(sha256(original.bytes), `${p.relativePath}: original on the server`).toBe(p.sha256);
    }
    // A keeps its originals; the cloud still has 4 live assets, none replaced by a preview.
    expect(await hashTree(a.syncDir)).toEqual(treeOf(photos));
    const live = await api.liveAssets();
    expect(live.map((x) => x.checksum).sort()).toEqual(photos.map((p) => p.sha256).sort());

    // `skyroll fetch` brings the original of the first back, byte-identical.
    const [fetched, edited] = lru;
    await runCliOk(['fetch', fetched.relativePath, '--state', b.stateDir], { env: WORLD_FROM_FILE });
    expect(sha256(await readFile(join(b.syncDir, fetched.relativePath))), 'fetched original').toBe(fetched.sha256);
    await waitForItem(h, b, fetched.relativePath, { state: 'synced' }, 10_000);

    // An edit saved over the other placeholder is a new photo; the original stays in the cloud and on A.
    const edit = await makePhoto(700, { width: 640, height: 480, seed: 32 });
    await writeFile(join(b.syncDir, edited.relativePath), edit.bytes);
    await waitFor(async () => (await api.liveAssets()).some((x) => x.checksum === edit.sha256), 30_000, 'the edit of the placeholder to reach the cloud');
    await waitFor(async () => [...(await hashTree(a.syncDir)).values()].includes(edit.sha256), 30_000, 'the edit to reach A');
    await sleep(1_500);
    const originalAsset = (await api.library()).get(assets.get(edited.sha256)!.id);
    expect(originalAsset, 'the original asset still exists').toBeTruthy();
    expect(originalAsset!.checksum, 'the original asset was not replaced by the edit').toBe(edited.sha256);
    expect(originalAsset!.trashedAt).toBeNull();
    const original = await download(api, ROUTES.original(originalAsset!.id));
    expect(sha256(original.bytes), 'the original bytes on the server').toBe(edited.sha256);
    const aTree = await hashTree(a.syncDir);
    for (const p of photos) expect(aTree.get(p.relativePath), `${p.relativePath} on A`).toBe(p.sha256);
    // The fetched original on B was not touched by any of this.
    expect((await hashTree(b.syncDir)).get(fetched.relativePath)).toBe(fetched.sha256);
  });
});
