/**
 * The mass-delete guard: deleting most of the library on one device (or losing the folder
 * marker, as an unmounted disk would) does not empty the others until confirmed.
 */
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, describeRun, hashTree, sleep, treesEqual, waitFor, waitForTrees, type SkyrollServer } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';
import { treeOf, withoutPaths } from '../support/trees.js';

const SMALL = { targetBytes: 50 * 1024 };

describe('mass-delete guard', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('deleting 60 of 70 photos on A is held back (reason mass-delete) until --confirm-deletions', { timeout: 180_000 }, async () => {
    const account = await h.createAccount(server, 2, 'massdel');
    const [a, b] = account.devices;
    const photos = await writePhotos(a.syncDir, 70, { ...SMALL, seed: 51 });
    const full = treeOf(photos);
    const agentA = h.startAgent(a);
    h.startAgent(b);
    await waitForTrees([a, b], full, 90_000, 'the 70 photos on both devices');

    const doomed = photos.slice(0, 60).map((p) => p.relativePath);
    await Promise.all(doomed.map((p) => rm(join(a.syncDir, p))));
    const kept = withoutPaths(full, doomed);

    const blocked = await waitFor(
      async () => {
        const s = await h.status(a);
        const items = s.items.filter((i) => i.state === 'blocked' && i.reason === 'mass-delete');
        return items.length === doomed.length ? { s, items } : undefined;
      },
      30_000,
      'status --json on A to show the 60 deletions blocked with reason mass-delete',
      { explain: async () => JSON.stringify(await h.status(a)).slice(0, 2000) },
    );
    expect(blocked.s.summary.blocked, 'blocked count in the summary').toBe(doomed.length);
    for (const item of blocked.items) {
      const rel = relative(a.syncDir, resolve(a.syncDir, item.path)); // status may print absolute paths
      expect(doomed, `blocked item ${item.path} is one of the deleted`).toContain(rel);
    }

    // Held back: B keeps all 70, the server trashed nothing.
    await sleep(3_000);
    expect(treesEqual(await hashTree(b.syncDir), full), 'B still has all 70 photos').toBe(true);
    const api = await ApiClient.login(server.url, account.email, account.password);
    expect(await api.trashedAssets()).toHaveLength(0);
    expect(await api.liveAssets()).toHaveLength(70);

    // `--once` also refuses, with exit 3 and the reason.
    await agentA.stop();
    const refused = await h.syncOnce(a);
    expect(refused.code, `sync --once while blocked:\n${refused.stdout}\n${refused.stderr}`).toBe(3);
    expect(`${refused.stdout}\n${refused.stderr}`).toMatch(/mass-delete|confirm-deletions/);

    // Confirmed: the deletions propagate as trash moves.
    await h.syncOnceOk(a, ['--confirm-deletions']);
    await waitForTrees([b], kept, 30_000, 'B to lose the 60 photos deleted on A after --confirm-deletions');
    expect(treesEqual(await hashTree(a.syncDir), kept)).toBe(true);
    expect(await api.trashedAssets()).toHaveLength(60);
    expect(await api.liveAssets()).toHaveLength(10);
  });

  it('a folder that lost its .skyroll marker (unmounted disk) does not delete anything', { timeout: 120_000 }, async () => {
    // The server is the truth every other device follows: nothing trashed there, nothing lost anywhere.
    const account = await h.createAccount(server, 1, 'marker');
    const [a] = account.devices;
    const photos = await writePhotos(a.syncDir, 10, { ...SMALL, seed: 52 });
    const first = await h.syncOnceOk(a);
    const api = await ApiClient.login(server.url, account.email, account.password);
    expect(await api.liveAssets(), `after sync --once on A:\n${describeRun(first)}`).toHaveLength(10);

    // Few deletions (3 of 10: under both thresholds), but the marker is gone too.
    await rm(join(a.syncDir, '.skyroll'), { recursive: true, force: true });
    await Promise.all(photos.slice(0, 3).map((p) => rm(join(a.syncDir, p.relativePath))));
    const refused = await h.syncOnce(a);
    expect(refused.code, `sync --once without the marker:\n${refused.stdout}\n${refused.stderr}`).toBe(3);
    expect(`${refused.stdout}\n${refused.stderr}`).toMatch(/marker|mass-delete|confirm-deletions/);
    const status = await h.status(a);
    expect(
      status.items.filter((i) => i.state === 'blocked' && i.reason === 'mass-delete').length,
      `status on A: ${JSON.stringify(status).slice(0, 1500)}`,
    ).toBe(3);

    expect(await api.trashedAssets()).toHaveLength(0);
    expect(await api.liveAssets()).toHaveLength(10);
  });
});
