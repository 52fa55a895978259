/**
 * The same bytes added on two devices are one asset; two different photos under the same name
 * both survive everywhere (one under a suffixed name), nothing overwritten.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, diffTrees, hashTree, sleep, treesEqual, waitFor, waitForTrees, type Account, type Device, type SkyrollServer, type Tree } from '../support/harness.js';
import { makePhoto } from '../support/photos.js';
import { hashCounts } from '../support/trees.js';

const SMALL = { targetBytes: 150 * 1024 };

describe('duplicates and name clashes', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let trio: Account | undefined;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  /** Three devices with agents running, shared by both tests (assertions are per checksum). */
  async function runningTrio(): Promise<{ account: Account; api: ApiClient }> {
    if (!trio) {
      trio = await h.createAccount(server, 3, 'dedup');
      for (const d of trio.devices) h.startAgent(d);
    }
    return { account: trio, api: await ApiClient.login(server.url, trio.email, trio.password) };
  }

  it('the same photo added on A and B at once is one asset, one file everywhere', { timeout: 120_000 }, async () => {
    const { account, api } = await runningTrio();
    const [a, b, c] = account.devices;
    const before = await hashTree(a.syncDir);
    const photos = await Promise.all([100, 101, 102].map((i) => makePhoto(i, { ...SMALL, seed: 11 })));
    // Both devices get the same bytes under the same names at the same moment: their agents race.
    await Promise.all(
      photos.flatMap((p) => [writeFile(join(a.syncDir, p.name), p.bytes), writeFile(join(b.syncDir, p.name), p.bytes)]),
    );
    const expected: Tree = new Map([...before, ...photos.map((p): [string, string] => [p.name, p.sha256])]);
    await waitForTrees([a, b, c], expected, 60_000, 'the shared photos to settle as one file each on every device');

    const live = await api.liveAssets();
    for (const p of photos) {
      expect(live.filter((x) => x.checksum === p.sha256), `assets for ${p.name}, added on both A and B`).toHaveLength(1);
    }
    expect(live).toHaveLength(expected.size);

    // No late duplicate ("IMG_0100 (2).jpg") shows up once things are quiet.
    await sleep(2_000);
    for (const d of account.devices) {
      const tree = await hashTree(d.syncDir);
      expect(treesEqual(tree, expected), `device ${d.name}:\n${diffTrees(expected, tree)}`).toBe(true);
    }
    expect(await api.liveAssets()).toHaveLength(expected.size);
  });

  it('two different photos named IMG_0200.jpg on A and B both survive on every device', { timeout: 120_000 }, async () => {
    const { account, api } = await runningTrio();
    const [a, b, c] = account.devices;
    const fromA = await makePhoto(200, { ...SMALL, seed: 21 });
    const fromB = await makePhoto(200, { ...SMALL, seed: 22 });
    expect(fromA.sha256).not.toBe(fromB.sha256);
    await Promise.all([writeFile(join(a.syncDir, 'IMG_0200.jpg'), fromA.bytes), writeFile(join(b.syncDir, 'IMG_0200.jpg'), fromB.bytes)]);

    const clashFiles = async (d: Device): Promise<Tree> =>
      new Map([...(await hashTree(d.syncDir))].filter(([path]) => path.startsWith('IMG_0200')));
    const bothEverywhere = async (): Promise<boolean> => {
      for (const d of [a, b, c]) {
        const counts = hashCounts(await clashFiles(d));
        if (counts.size !== 2 || counts.get(fromA.sha256) !== 1 || counts.get(fromB.sha256) !== 1) return false;
      }
      return true;
    };
    await waitFor(bothEverywhere, 60_000, 'both IMG_0200.jpg photos to reach every device', {
      explain: () => describeDevices([a, b, c]),
    });

    // Nothing was overwritten: each device's own file keeps its own bytes under its own name.
    expect((await hashTree(a.syncDir)).get('IMG_0200.jpg'), 'A keeps its IMG_0200.jpg').toBe(fromA.sha256);
    expect((await hashTree(b.syncDir)).get('IMG_0200.jpg'), 'B keeps its IMG_0200.jpg').toBe(fromB.sha256);
    for (const d of [a, b, c]) {
      const names = [...(await clashFiles(d)).keys()].sort();
      expect(names, `device ${d.name}`).toHaveLength(2);
      expect(names, `device ${d.name}: one keeps the name`).toContain('IMG_0200.jpg');
      const renamed = names.find((n) => n !== 'IMG_0200.jpg')!;
      expect(renamed, `device ${d.name}: the other gets a suffix`).toMatch(/^IMG_0200.+\.jpg$/);
    }

    const live = await api.liveAssets();
    expect(live.filter((x) => x.checksum === fromA.sha256)).toHaveLength(1);
    expect(live.filter((x) => x.checksum === fromB.sha256)).toHaveLength(1);
    // The rest of the library is the same everywhere (the two IMG_0200 files may swap names per device).
    const rest = async (d: Device): Promise<Tree> =>
      new Map([...(await hashTree(d.syncDir))].filter(([path]) => !path.startsWith('IMG_0200')));
    const onA = await rest(a);
    for (const d of [b, c]) expect(treesEqual(await rest(d), onA), `device ${d.name} = device A`).toBe(true);
  });
});

async function describeDevices(devices: Device[]): Promise<string> {
  const lines: string[] = [];
  for (const d of devices) {
    const tree = await hashTree(d.syncDir);
    lines.push(`device ${d.name}: ${[...tree].map(([p, s]) => `${p}=${s.slice(0, 8)}`).join(', ') || '(empty)'}`);
  }
  return lines.join('\n');
}
