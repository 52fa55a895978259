/**
 * Metadata both ways, real server and two real agents: favorites and albums made with the CLI on
 * one device reach the other device's running agent; changes made through the API (as the web
 * app makes them) reach running agents; and an edit made offline is ordered by when it was made
 * (hybrid logical clocks), so the later change wins on every device and on the server.
 */
import { ROUTES, type Album } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, readAgentLog, treeOf, waitFor, waitForTrees, type Device, type SkyrollServer } from '../support/harness.js';
import { albumsOf, metadataOf, onDevice, serverAsset, waitForMetadata } from '../support/metadata.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';
import { WORLD_FROM_FILE, writeWorld } from '../support/policy.js';

/** "Within seconds": a journal poke and one pass on a loaded 2-core machine. */
const REACH_MS = 15_000;
const OFFLINE = { SKYROLL_NETWORK: 'offline' };

describe('metadata between devices', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let api: ApiClient;
  let a: Device;
  let b: Device;
  let photos: WrittenPhoto[];

  beforeAll(async () => {
    server = await h.startServer();
    const account = await h.createAccount(server, 2, 'metadata');
    [a, b] = account.devices;
    // A's world comes from its world.json, so a test can take it offline while its agent runs.
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    h.startAgent(a, { env: WORLD_FROM_FILE });
    h.startAgent(b);
    photos = await writePhotos(a.syncDir, 3, { targetBytes: 60 * 1024, seed: 7 });
    await waitForTrees([a, b], treeOf(photos), 60_000, 'the photos of A on B');
    api = await ApiClient.login(server.url, account.email, account.password);
  }, 90_000);
  afterAll(() => h.cleanup());

  const transfers = async (device: Device) =>
    (await readAgentLog(device.stateDir)).filter((e) => e.event === 'download.done' || e.event === 'upload.start').length;

  it('`favorite` and `album add` on A reach B’s status and albums while both agents run, moving no file', { timeout: 60_000 }, async () => {
    const [p1, p2] = photos;
    const before = { a: await transfers(a), b: await transfers(b) };
    const started = Date.now();
    expect((await onDevice(a, ['favorite', p1.absolutePath])).stdout).toContain('Marked 1 item as favorite.');
    expect((await onDevice(a, ['album', 'add', 'Lisbon', p1.absolutePath, p2.relativePath])).stdout).toContain('the new album "Lisbon"');
    await waitForMetadata(h, b, p1.relativePath, { favorite: true, albums: ['Lisbon'] }, REACH_MS);
    expect(Date.now() - started, 'from the commands on A to B’s status').toBeLessThan(REACH_MS);
    const [p2OnB, albums] = await Promise.all([metadataOf(h, b, p2.relativePath), albumsOf(b)]);
    expect(p2OnB).toEqual({ favorite: false, hidden: false, albums: ['Lisbon'] });
    expect(albums).toEqual([{ id: expect.any(String), name: 'Lisbon', count: 2, paths: [p1.relativePath, p2.relativePath].sort() }]);
    expect((await serverAsset(api, p1.relativePath)).albumIds).toEqual([albums[0].id]);
    // Metadata travels alone: no download on B, no upload on A.
    expect({ a: await transfers(a), b: await transfers(b) }).toEqual(before);
  });

  it('changes made through the API (as the web app makes them) reach the running agents', { timeout: 60_000 }, async () => {
    const [p1, , p3] = photos;
    const asset = await serverAsset(api, p3.relativePath);
    const [lisbon] = (await serverAsset(api, p1.relativePath)).albumIds;
    const hide = await api.request(ROUTES.assetMetadata(asset.id), { method: 'PATCH', json: { hidden: true } });
    expect(hide.status, hide.text).toBe(200);
    const made = await api.request<{ album: Album }>(ROUTES.albums, { method: 'POST', json: { name: 'From the web' } });
    expect(made.status, made.text).toBe(200);
    const add = await api.request(ROUTES.albumAssets(made.body.album.id), { method: 'POST', json: { assetIds: [asset.id] } });
    expect(add.status, add.text).toBe(200);
    const rename = await api.request(ROUTES.album(lisbon!), { method: 'PATCH', json: { name: 'Lisbon 2024' } });
    expect(rename.status, rename.text).toBe(200);

    await Promise.all([
      waitForMetadata(h, a, p3.relativePath, { hidden: true, albums: ['From the web'] }, REACH_MS),
      waitForMetadata(h, b, p1.relativePath, { favorite: true, albums: ['Lisbon 2024'] }, REACH_MS),
    ]);

    // A deleted album leaves every device (its photos stay).
    const gone = await api.request(ROUTES.album(made.body.album.id), { method: 'DELETE', json: {} });
    expect(gone.status, gone.text).toBe(200);
    await waitForMetadata(h, b, p3.relativePath, { hidden: true, albums: [] }, REACH_MS);
    expect((await albumsOf(b)).map((al) => al.name)).toEqual(['Lisbon 2024']);
  });

  it('an edit made offline is ordered by when it was made: the later change wins everywhere', { timeout: 60_000 }, async () => {
    const p3 = photos[2].relativePath;
    const favoriteOnServer = async () => (await serverAsset(api, p3)).favorite;

    // A, offline, favorites (t1); then B, online, un-favorites (t2 > t1); A's late t1 must lose.
    const sent = async () => (await readAgentLog(a.stateDir)).filter((e) => e.event === 'metadata.sent').length;
    const sentBefore = await sent();
    await writeWorld(a, { network: 'offline', power: 'ac' });
    expect((await onDevice(a, ['favorite', p3], OFFLINE)).stdout).toContain('on this device; it reaches the cloud once');
    expect((await metadataOf(h, a, p3))?.favorite, 'A shows its own change while it waits').toBe(true);
    await onDevice(b, ['favorite', '--off', p3]);
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await waitFor(async () => (await sent()) > sentBefore, REACH_MS, 'A’s agent to deliver its offline change');
    const [, onServer, onB] = await Promise.all([waitForMetadata(h, a, p3, { favorite: false }, REACH_MS), favoriteOnServer(), metadataOf(h, b, p3)]);
    expect(onServer).toBe(false);
    expect(onB?.favorite).toBe(false);

    // The other way round: B favorites online (t3), then A, offline, un-favorites (t4 > t3): A wins.
    await writeWorld(a, { network: 'offline', power: 'ac' });
    await onDevice(b, ['favorite', p3]);
    expect(await favoriteOnServer()).toBe(true);
    await onDevice(a, ['favorite', '--off', p3], OFFLINE);
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await waitFor(async () => !(await favoriteOnServer()), REACH_MS, 'A’s later offline change to win on the server');
    const [, onA] = await Promise.all([waitForMetadata(h, b, p3, { favorite: false }, REACH_MS), metadataOf(h, a, p3)]);
    expect(onA?.favorite).toBe(false);
  });
});
