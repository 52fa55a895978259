/**
 * A photo added on one device reaches every other device byte for byte; a deletion goes to the
 * trash everywhere and a restore brings it back everywhere. Real server, real agents, real HTTP.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, diffTrees, hashTree, runCliOk, treesEqual, waitFor, waitForTrees, type Account, type SkyrollServer } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';
import { treeOf, withoutPaths } from '../support/trees.js';

const SMALL = { targetBytes: 120 * 1024 };

describe('propagation between devices', () => {
  const h = new Harness();
  let server: SkyrollServer;
  /** Three devices with agents running, shared by the tests that need running agents. */
  let trio: Account | undefined;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  async function runningTrio(): Promise<Account> {
    if (!trio) {
      trio = await h.createAccount(server, 3, 'running', { signup: 'cli' });
      for (const d of trio.devices) h.startAgent(d);
    }
    return trio;
  }

  it('photos added on A arrive byte-identical on B and C through running agents (watcher + pokes)', { timeout: 150_000 }, async () => {
    const { devices } = await runningTrio();
    const [a, b, c] = devices;
    const initial = [
      ...(await writePhotos(a.syncDir, 3, { ...SMALL, seed: 1 })),
      ...(await writePhotos(a.syncDir, 2, { ...SMALL, seed: 1, start: 10, subdir: '2024/Trip to Lisbon' })),
    ];
    let expected = treeOf(initial);
    expect(treesEqual(await hashTree(a.syncDir), expected)).toBe(true);
    await waitForTrees(devices, expected, 60_000, 'the 5 photos on A to reach B and C');

    // Now the agents are idle: a new photo must travel by watcher (A) and poke (B, C).
    const started = Date.now();
    const later = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 1, start: 20 });
    expected = treeOf([...initial, ...later]);
    await waitForTrees(devices, expected, 20_000, 'a photo added on A while agents run to reach B and C');
    const latencyMs = Date.now() - started;
    // A poke-driven sync takes about a second here; a 30 s poll would not pass.
    expect(latencyMs, `propagation took ${latencyMs} ms`).toBeLessThan(10_000);

    // And the other way round: from C to A and B.
    const fromC = await writePhotos(c.syncDir, 1, { ...SMALL, seed: 2, start: 30, prefix: 'PXL_' });
    expected = treeOf([...initial, ...later, ...fromC]);
    await waitForTrees([a, b, c], expected, 20_000, 'a photo added on C to reach A and B');
  });

  it('photos added on A arrive byte-identical on B and C with `sync --once`', { timeout: 150_000 }, async () => {
    const { devices } = await h.createAccount(server, 3, 'once');
    const [a, b, c] = devices;
    const photos = [
      ...(await writePhotos(a.syncDir, 4, { ...SMALL, seed: 3 })),
      ...(await writePhotos(a.syncDir, 2, { ...SMALL, seed: 3, start: 50, subdir: 'Camera/2025' })),
    ];
    const expected = treeOf(photos);

    await h.syncOnceOk(a);
    await Promise.all([h.syncOnceOk(b), h.syncOnceOk(c)]);
    for (const d of devices) {
      const tree = await hashTree(d.syncDir);
      expect(treesEqual(tree, expected), `device ${d.name} after sync --once:\n${diffTrees(expected, tree)}`).toBe(true);
    }
    const api = await ApiClient.login(server.url, a.account.email, a.account.password);
    expect((await api.liveAssets()).length).toBe(6);
  });

  it('a deletion on B removes the photo from A and C into the trash; a restore brings it back everywhere', { timeout: 150_000 }, async () => {
    const account = await runningTrio();
    const [a, b, c] = account.devices;
    const photos = await writePhotos(a.syncDir, 3, { ...SMALL, seed: 5, prefix: 'DEL_' });
    // Whatever the library held before, plus these three.
    const full = new Map([...(await hashTree(a.syncDir)), ...treeOf(photos)]);
    await waitForTrees(account.devices, full, 60_000, 'the library, with 3 new photos, on every device');
    const api = await ApiClient.login(server.url, account.email, account.password);
    const liveBefore = (await api.liveAssets()).length;
    expect(liveBefore).toBe(full.size);

    const victim = photos[1];
    await rm(join(b.syncDir, victim.relativePath));
    const afterDelete = withoutPaths(full, [victim.relativePath]);
    await waitForTrees([a, b, c], afterDelete, 20_000, `${victim.relativePath} deleted on B to disappear from A and C`);

    // In the trash on the server, and listed by the CLI.
    const trashed = await waitFor(
      async () => (await api.trashedAssets()).find((x) => x.checksum === victim.sha256),
      10_000,
      'the deleted photo to be in the trash on the server',
    );
    expect(trashed.path).toBe(victim.relativePath);
    expect((await api.liveAssets()).length).toBe(liveBefore - 1);
    const list = await runCliOk(['trash', 'list', '--state', c.stateDir]);
    expect(list.stdout, 'trash list on C names the deleted photo').toContain(victim.relativePath);
    expect(list.stdout, 'trash list on C shows the id to restore').toContain(trashed.id);

    await runCliOk(['trash', 'restore', trashed.id, '--state', c.stateDir]);
    await waitForTrees([a, b, c], full, 20_000, `${victim.relativePath} restored from the trash to come back on every device`);
    expect((await api.trashedAssets()).length).toBe(0);
    expect((await api.liveAssets()).length).toBe(liveBefore);
  });
});
