/**
 * Device settings and the device's world, with agents running A → B: every rule, flipped on
 * while a photo waits to sync, blocks it with its reason in `status --json`; flipped off, the
 * photo reaches B by itself within seconds (no other command). World changes go through
 * STATE/world.json, which a running agent re-reads.
 */
import { ROUTES } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, hashTree, type Agent, readAgentLog, runCliOk, sleep, treeOf, waitFor, waitForTrees, type Account, type Device, type SkyrollServer, type Tree } from '../support/harness.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';
import { WORLD_FROM_FILE, itemAt, setSetting, waitForItem, writeWorld } from '../support/policy.js';

const SMALL = { targetBytes: 80 * 1024 };
/** "Within a few seconds": SSE + the agent's 0.5 s world/settings poll, on a loaded 2-core machine. */
const RECOVERY_MS = 8_000;
/** How long a blocked photo must stay off B to count as held (not just slow). */
const HELD_MS = 2_500;

describe('settings and the device world', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let a: Device;
  let b: Device;
  let agentA: Agent;
  /** Everything A has added so far (the tree both devices converge to). */
  const added: WrittenPhoto[] = [];
  let photoIndex = 0;

  beforeAll(async () => {
    server = await h.startServer();
    account = await h.createAccount(server, 2, 'policy');
    [a, b] = account.devices;
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await writeWorld(b, { network: 'wifi', power: 'ac' });
    agentA = h.startAgent(a, { env: WORLD_FROM_FILE });
    h.startAgent(b, { env: WORLD_FROM_FILE });
    // Both running and in step before any rule is tried.
    added.push(...(await writePhotos(a.syncDir, 1, { ...SMALL, seed: 11, start: photoIndex++ })));
    await waitForTrees([a, b], treeOf(added), 60_000, 'a first photo from A on B');
  });
  afterAll(() => h.cleanup());

  /** Adds one photo on A while the rule holds, checks A's status says `reason` and B stays without it. */
  async function addWhileBlocked(reason: string, options: { targetBytes?: number } = {}): Promise<WrittenPhoto> {
    const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, ...options, seed: 11, start: photoIndex++ });
    const item = await waitForItem(h, a, photo.relativePath, { state: 'blocked', reason }, 20_000);
    expect(item.detail, `detail of the ${reason} block`).toBeTruthy();
    await sleep(HELD_MS);
    expect((await hashTree(b.syncDir)).has(photo.relativePath), `${photo.relativePath} reached B although ${reason} blocks it`).toBe(false);
    expect(itemAt(await h.status(a), photo.relativePath)?.reason, 'still blocked after a while').toBe(reason);
    return photo;
  }

  /** After the flip that lifts the rule: B gets everything within RECOVERY_MS, with no other action. */
  async function expectRecovery(what: string, photo: WrittenPhoto): Promise<void> {
    const started = Date.now();
    added.push(photo);
    await waitForTrees([a, b], treeOf(added), 30_000, what);
    const ms = Date.now() - started;
    expect(ms, `${what}: took ${ms} ms`).toBeLessThan(RECOVERY_MS);
    const status = await waitFor(
      async () => {
        const s = await h.status(a);
        return itemAt(s, photo.relativePath)?.state === 'synced' ? s : undefined;
      },
      10_000,
      `${photo.relativePath} synced in A's status`,
    );
    expect(status.summary.blocked, JSON.stringify(status.items)).toBe(0);
  }

  it('`settings sync off` blocks with sync-enabled; `sync on` converges by itself', { timeout: 90_000 }, async () => {
    await setSetting(a, 'sync', 'off');
    // Settings live on the server: every client of the account sees A's.
    const api = await ApiClient.login(server.url, account.email, account.password);
    const devices = await api.request<{ devices: Array<{ name: string; settings: { sync: boolean } }> }>(ROUTES.devices);
    expect(devices.body.devices.find((d) => d.name === 'device-A')?.settings.sync, devices.text).toBe(false);
    const shown = await runCliOk(['settings', 'sync', '--state', a.stateDir]);
    expect(shown.stdout.trim()).toBe('off');
    const photo = await addWhileBlocked('sync-enabled');
    await setSetting(a, 'sync', 'on');
    await expectRecovery('sync turned back on: the photo reaches B', photo);
  });

  it('cellular with mobile-data off blocks with mobile-data; Wi-Fi converges by itself', { timeout: 90_000 }, async () => {
    await setSetting(a, 'mobile-data', 'off');
    await writeWorld(a, { network: 'cellular', power: 'ac' });
    const photo = await addWhileBlocked('mobile-data');
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await expectRecovery('cellular → Wi-Fi: the photo reaches B', photo);
    await setSetting(a, 'mobile-data', 'on');
  });

  it('cellular with limited updates, flipped mid-upload: a small photo moves, a > 20 MiB original waits with mobile-data until sync-now resumes it', { timeout: 150_000 }, async () => {
    await setSetting(a, 'mobile-data', 'on');
    await setSetting(a, 'unlimited-updates', 'off');
    // Throttled uploads, so the large original is still on its way when the network flips.
    await agentA.restart({ SKYROLL_UPLOAD_LIMIT: String(3 * 1024 * 1024) });

    const [large] = await writePhotos(a.syncDir, 1, { targetBytes: 23 * 1024 * 1024, seed: 12, start: 900, prefix: 'BIG_' });
    expect(large.bytes.length, 'the large original').toBeGreaterThan(20 * 1024 * 1024);
    const uploadsOfLarge = async () => (await readAgentLog(a.stateDir)).filter((e) => e.path === large.relativePath && String(e.event).startsWith('upload.'));
    await waitFor(async () => (await uploadsOfLarge()).some((e) => e.event === 'upload.start'), 30_000, 'the upload of the large original to start on Wi-Fi');
    await sleep(1_500);
    // Mid-upload: Wi-Fi → cellular.
    await writeWorld(a, { network: 'cellular', power: 'ac' });
    const item = await waitForItem(h, a, large.relativePath, { state: 'blocked', reason: 'mobile-data' }, 20_000);
    expect(item.detail ?? '').toMatch(/sync-now|wi-?fi|unlimited/i);
    expect((await uploadsOfLarge()).some((e) => e.event === 'upload.done'), 'the large upload finished over cellular').toBe(false);

    // A small photo still travels on cellular.
    const [small] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 11, start: photoIndex++ });
    added.push(small);
    await waitFor(async () => (await hashTree(b.syncDir)).get(small.relativePath) === small.sha256, 30_000, 'the small photo to reach B over cellular');
    await sleep(HELD_MS);
    expect((await hashTree(b.syncDir)).has(large.relativePath), 'the large original reached B over limited cellular').toBe(false);
    expect(itemAt(await h.status(a), large.relativePath)?.reason, 'the large original still waits').toBe('mobile-data');
    expect((await uploadsOfLarge()).some((e) => e.event === 'upload.done'), 'the large upload finished over cellular').toBe(false);

    // "Sync Now" lets it through, still on cellular, resuming where the upload stopped.
    const started = Date.now();
    await runCliOk(['sync-now', '--state', a.stateDir]);
    added.push(large);
    await waitForTrees([a, b], treeOf(added), 60_000, 'the large original to reach B after sync-now');
    const ms = Date.now() - started;
    expect(ms, `sync-now to the large original on B: ${ms} ms`).toBeLessThan(30_000);
    const starts = (await uploadsOfLarge()).filter((e) => e.event === 'upload.start');
    expect(starts.length, JSON.stringify(starts)).toBeGreaterThanOrEqual(2);
    expect(Number(starts[starts.length - 1].offset), 'the upload after sync-now resumed, not restarted').toBeGreaterThan(0);

    await runCliOk(['sync-now', '--cancel', '--state', a.stateDir]);
    await writeWorld(a, { network: 'wifi', power: 'ac' });
  });

  it('only-when-charging (set from another client, as the web app would) on battery blocks with power; AC converges by itself', { timeout: 90_000 }, async () => {
    // The setting changes on the server, not through A's CLI: the running agent learns it by SSE.
    const api = await ApiClient.login(server.url, account.email, account.password);
    const devices = await api.request<{ devices: Array<{ id: string; name: string; settings: Record<string, boolean> }> }>(ROUTES.devices);
    expect(devices.status, devices.text).toBe(200);
    const deviceA = devices.body.devices.find((d) => d.name === 'device-A');
    expect(deviceA, JSON.stringify(devices.body)).toBeTruthy();
    const patched = await api.request<Record<string, boolean>>(ROUTES.deviceSettings(deviceA!.id), { method: 'PATCH', json: { onlyWhenCharging: true } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.onlyWhenCharging).toBe(true);
    await waitFor(
      async () => (await readAgentLog(a.stateDir)).some((e) => e.event === 'settings.changed' && JSON.stringify(e).includes('"onlyWhenCharging":true')),
      5_000,
      "A's running agent to log the new setting it got by SSE",
    );
    await writeWorld(a, { network: 'wifi', power: 'battery', battery: 80 });
    const photo = await addWhileBlocked('power');
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await expectRecovery('battery → AC: the photo reaches B', photo);
    await setSetting(a, 'only-when-charging', 'off');
  });

  it('`pause --for 1d` blocks with sync-enabled; `resume` converges by itself', { timeout: 90_000 }, async () => {
    await runCliOk(['pause', '--for', '1d', '--state', a.stateDir]);
    const photo = await addWhileBlocked('sync-enabled');
    await runCliOk(['resume', '--state', a.stateDir]);
    await expectRecovery('resume: the photo reaches B', photo);
  });

  it('offline blocks with connection; back online converges by itself', { timeout: 90_000 }, async () => {
    await writeWorld(a, { network: 'offline', power: 'ac' });
    const photo = await addWhileBlocked('connection');
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await expectRecovery('offline → Wi-Fi: the photo reaches B', photo);
    const expected: Tree = treeOf(added);
    expect((await hashTree(b.syncDir)).size).toBe(expected.size);
  });
});
