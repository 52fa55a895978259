/**
 * The same bytes added on two devices are one asset; two different photos under the same name
 * both survive everywhere (one under a suffixed name), nothing overwritten.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, hashTree, sleep, treesEqual, waitFor, waitForTrees, type Device, type SkyrollServer, type Tree } from '../support/harness.js';
import { makePhoto } from '../support/photos.js';
import { hashCounts } from '../support/trees.js';

const SMALL = { targetBytes: 150 * 1024 };

describe('duplicates and name clashes', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('the same photo added on A and B at once is one asset, one file everywhere', { timeout: 120_000 }, async () => {
    const account = await h.createAccount(server, 3, 'same');
    const [a, b, c] = account.devices;
    // One pair through `--once`, one device after the other.
    const other = await makePhoto(101, { ...SMALL, seed: 11 });
    await writeFile(join(a.syncDir, 'IMG_0101.jpg'), other.bytes);
    await writeFile(join(b.syncDir, 'IMG_0101.jpg'), other.bytes);
    await h.syncOnceOk(a);
    await h.syncOnceOk(b);

    // Another pair, then both agents start together: they race to upload the same bytes.
    const photo = await makePhoto(100, { ...SMALL, seed: 11 });
    await writeFile(join(a.syncDir, 'IMG_0100.jpg'), photo.bytes);
    await writeFile(join(b.syncDir, 'IMG_0100.jpg'), photo.bytes);
    for (const d of account.devices) h.startAgent(d);
    const expected: Tree = new Map([
      ['IMG_0100.jpg', photo.sha256],
      ['IMG_0101.jpg', other.sha256],
    ]);
    await waitForTrees([a, b, c], expected, 45_000, 'the shared photos to settle as one file on every device');

    const api = await ApiClient.login(server.url, account.email, account.password);
    const live = await api.liveAssets();
    expect(live.filter((x) => x.checksum === photo.sha256), 'assets for the photo added on both A and B').toHaveLength(1);
    expect(live.filter((x) => x.checksum === other.sha256), 'assets for the photo synced with --once on A then B').toHaveLength(1);
    expect(live).toHaveLength(2);

    // No late duplicate ("IMG_0100 (2).jpg") shows up once things are quiet.
    await sleep(2_000);
    for (const d of account.devices) {
      const tree = await hashTree(d.syncDir);
      expect(treesEqual(tree, expected), `device ${d.name}: ${[...tree.keys()].join(', ')}`).toBe(true);
    }
    expect(await api.liveAssets()).toHaveLength(2);
  });

  it('two different photos named IMG_0200.jpg on A and B both survive on every device', { timeout: 120_000 }, async () => {
    const account = await h.createAccount(server, 3, 'clash');
    const [a, b, c] = account.devices;
    const fromA = await makePhoto(200, { ...SMALL, seed: 21 });
    const fromB = await makePhoto(200, { ...SMALL, seed: 22 });
    expect(fromA.sha256).not.toBe(fromB.sha256);
    await writeFile(join(a.syncDir, 'IMG_0200.jpg'), fromA.bytes);
    await writeFile(join(b.syncDir, 'IMG_0200.jpg'), fromB.bytes);

    for (const d of account.devices) h.startAgent(d);
    const bothEverywhere = async (): Promise<boolean> => {
      for (const d of [a, b, c]) {
        const counts = hashCounts(await hashTree(d.syncDir));
        if (counts.size !== 2 || counts.get(fromA.sha256) !== 1 || counts.get(fromB.sha256) !== 1) return false;
      }
      return true;
    };
    await waitFor(bothEverywhere, 45_000, 'both IMG_0200.jpg photos to reach every device', {
      explain: () => describeDevices([a, b, c]),
    });

    // Nothing was overwritten: each device's own file keeps its own bytes under its own name.
    expect((await hashTree(a.syncDir)).get('IMG_0200.jpg'), 'A keeps its IMG_0200.jpg').toBe(fromA.sha256);
    expect((await hashTree(b.syncDir)).get('IMG_0200.jpg'), 'B keeps its IMG_0200.jpg').toBe(fromB.sha256);
    for (const d of [a, b, c]) {
      const names = [...(await hashTree(d.syncDir)).keys()].sort();
      expect(names, `device ${d.name}`).toHaveLength(2);
      expect(names, `device ${d.name}: one keeps the name`).toContain('IMG_0200.jpg');
      const renamed = names.find((n) => n !== 'IMG_0200.jpg')!;
      expect(renamed, `device ${d.name}: the other gets a suffix`).toMatch(/^IMG_0200.+\.jpg$/);
    }

    const api = await ApiClient.login(server.url, account.email, account.password);
    const live = await api.liveAssets();
    expect(live.map((x) => x.checksum).sort()).toEqual([fromA.sha256, fromB.sha256].sort());
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
