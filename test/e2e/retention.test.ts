/**
 * Recently Deleted keeps a trashed photo for 30 days (SKYROLL_TRASH_RETENTION_DAYS), then purges
 * it. The server is restarted on the same data folder and port with its clock shifted
 * (SKYROLL_CLOCK_OFFSET_MS): the sweep that runs at every start purges what is older than the
 * retention (gone from the trash, bytes given back, `asset.purged` in the journal), and leaves
 * what is younger, which a restore brings back on every device.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROUTES, type JournalPage, type StorageDetails } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, runCliOk, sleep, treeOf, waitFor, waitForTrees, withoutPaths, type Account, type SkyrollServer } from '../support/harness.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';

const DAY = 24 * 3600 * 1000;

interface TrashListed {
  assets: Array<{ id: string; path: string; trashedAt: number | null }>;
}

describe('Recently Deleted retention', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let photos: WrittenPhoto[];

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('after 31 days a trashed photo is purged (trash, quota, journal); one trashed 29 days ago is restored on every device', { timeout: 150_000 }, async () => {
    account = await h.createAccount(server, 2, 'retention');
    const [a, b] = account.devices;
    photos = await writePhotos(a.syncDir, 3, { targetBytes: 90 * 1024, seed: 41 });
    for (const d of account.devices) h.startAgent(d);
    const full = treeOf(photos);
    await waitForTrees([a, b], full, 60_000, 'the 3 photos on A and B');

    const api = await ApiClient.login(server.url, account.email, account.password);
    const storage = async (): Promise<StorageDetails> => {
      const res = await api.request<StorageDetails>(ROUTES.storage);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const trashList = async (): Promise<TrashListed> => JSON.parse((await runCliOk(['trash', 'list', '--json', '--state', b.stateDir])).stdout) as TrashListed;
    const total = photos.reduce((sum, p) => sum + p.bytes.length, 0);
    expect((await storage()).usedBytes).toBe(total);

    // Day 0: P0 deleted on A goes to the trash everywhere.
    const [p0, p1] = photos;
    await rm(join(a.syncDir, p0.relativePath));
    await waitForTrees([a, b], withoutPaths(full, [p0.relativePath]), 20_000, `${p0.relativePath} gone from A and B`);
    const trashed0 = await waitFor(async () => (await api.trashedAssets()).find((x) => x.checksum === p0.sha256), 10_000, 'P0 in the cloud trash');
    expect((await trashList()).assets.map((x) => x.id)).toEqual([trashed0.id]);
    let s = await storage();
    expect(s.usedBytes, 'trash counts until purged').toBe(total);
    expect(s.breakdown.trash).toBe(p0.bytes.length);

    // Day 31: the start-up sweep purges P0.
    await server.restart({ env: { SKYROLL_CLOCK_OFFSET_MS: String(31 * DAY) } });
    await waitFor(async () => (await storage()).usedBytes === total - p0.bytes.length, 20_000, 'the purge of P0 to give its bytes back');
    s = await storage();
    expect(s.breakdown.trash).toBe(0);
    expect((await trashList()).assets, 'trash list after 31 days').toEqual([]);
    const journal = await api.request<JournalPage>(`${ROUTES.journal}?after=0&limit=1000`);
    expect(journal.status).toBe(200);
    const purged = journal.body.entries.filter((e) => e.type === 'asset.purged' && e.assetId === trashed0.id);
    expect(purged.length, 'one asset.purged entry for P0').toBe(1);
    expect(purged[0].asset).toBeNull();
    expect(purged[0].deviceId, 'purged by the retention sweep, not a device').toBeNull();
    expect((await api.library()).get(trashed0.id)).toBeNull();

    // Still day 31: P1 deleted on B.
    await rm(join(b.syncDir, p1.relativePath));
    const afterBoth = withoutPaths(full, [p0.relativePath, p1.relativePath]);
    await waitForTrees([a, b], afterBoth, 30_000, `${p1.relativePath} deleted on B gone from A and B`);
    const trashed1 = await waitFor(async () => (await api.trashedAssets()).find((x) => x.checksum === p1.sha256), 10_000, 'P1 in the cloud trash');

    // Day 60: P1 was trashed 29 days ago, within the window: the start-up sweep keeps it.
    await server.restart({ env: { SKYROLL_CLOCK_OFFSET_MS: String(60 * DAY) } });
    await sleep(3_000);
    expect((await trashList()).assets.map((x) => x.id), 'P1 still in the trash after 29 days').toEqual([trashed1.id]);
    expect((await storage()).usedBytes).toBe(total - p0.bytes.length);

    await runCliOk(['trash', 'restore', trashed1.id, '--state', a.stateDir]);
    await waitForTrees([a, b], withoutPaths(full, [p0.relativePath]), 30_000, `${p1.relativePath} restored on A and B (P0 stays purged)`);
    expect((await trashList()).assets).toEqual([]);
    expect((await api.liveAssets()).map((x) => x.checksum).sort()).toEqual([p1.sha256, photos[2].sha256].sort());
  });
});
