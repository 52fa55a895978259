/**
 * kill -9 of the agents, and separately of the server, in the middle of a 200-photo sync: after
 * a restart everything converges — every photo on every device, byte-identical, no duplicate
 * asset, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, hashTree, sleep, treesEqual, waitFor, waitForTrees, type Account, type SkyrollServer, type Tree } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';
import { treeOf } from '../support/trees.js';

const COUNT = 200;
const SMALL = { targetBytes: 60 * 1024 };
const CONVERGE_MS = 150_000;

describe('crash recovery during a 200-photo sync', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  async function setUp(label: string, seed: number): Promise<{ account: Account; expected: Tree; api: ApiClient }> {
    const account = await h.createAccount(server, 2, label);
    const photos = await writePhotos(account.devices[0].syncDir, COUNT, { ...SMALL, seed, subdir: 'DCIM/100CANON' });
    const api = await ApiClient.login(server.url, account.email, account.password);
    return { account, expected: treeOf(photos), api };
  }

  async function assertConverged(account: Account, expected: Tree, api: ApiClient): Promise<void> {
    await waitForTrees(account.devices, expected, CONVERGE_MS, `all ${COUNT} photos on both devices after the crash`);
    const live = await api.liveAssets();
    expect(new Set(live.map((x) => x.checksum)).size, 'distinct photos on the server').toBe(COUNT);
    expect(live, 'assets on the server (a duplicate would make more)').toHaveLength(COUNT);
    expect(await api.trashedAssets(), 'nothing went to the trash').toHaveLength(0);
    // Quiet for a moment: no late duplicate or deletion.
    await sleep(1_500);
    for (const d of account.devices) {
      expect(treesEqual(await hashTree(d.syncDir), expected), `device ${d.name} stays converged`).toBe(true);
    }
    expect(await api.liveAssets()).toHaveLength(COUNT);
    for (const d of account.devices) {
      const status = await waitFor(
        async () => {
          const s = await h.status(d);
          return s.summary.pending === 0 && s.summary.failed === 0 && s.summary.blocked === 0 ? s : undefined;
        },
        20_000,
        `status on device ${d.name} to report nothing pending, failed or blocked`,
        { explain: async () => JSON.stringify((await h.status(d)).summary) },
      );
      expect(status.summary.synced, `synced items on device ${d.name}`).toBe(COUNT);
    }
  }

  it('kill -9 of both agents mid-upload, and of B again mid-download, then restart: converges', { timeout: 240_000 }, async () => {
    const { account, expected, api } = await setUp('agentkill', 41);
    const [a, b] = account.devices;
    const agentA = h.startAgent(a);
    const agentB = h.startAgent(b);

    const uploaded = await waitFor(
      async () => {
        const n = (await api.liveAssets()).length;
        return n >= 15 ? n : 0;
      },
      60_000,
      'A to upload its first 15 photos',
      { intervalMs: 50, explain: () => `agent A output:\n${agentA.log.slice(-2000)}` },
    );
    await Promise.all([agentA.kill(), agentB.kill()]);
    expect(uploaded, 'the agents were killed in the middle of the upload').toBeLessThan(COUNT);

    agentA.start();
    agentB.start();
    const onB = await waitFor(
      async () => {
        const n = (await hashTree(b.syncDir)).size;
        return n >= 40 ? n : 0;
      },
      CONVERGE_MS,
      'B to download 40 photos',
      { intervalMs: 50 },
    );
    await agentB.kill();
    expect(onB, 'B was killed in the middle of the download').toBeLessThan(COUNT);
    agentB.start();

    await assertConverged(account, expected, api);
    expect(agentA.running && agentB.running, 'agents still running').toBe(true);
  });

  it('kill -9 of the server mid-sync, then restart on the same data: converges', { timeout: 240_000 }, async () => {
    const { account, expected, api } = await setUp('serverkill', 42);
    const [a, b] = account.devices;
    const agentA = h.startAgent(a);
    const agentB = h.startAgent(b);

    const uploaded = await waitFor(
      async () => {
        const n = (await api.liveAssets()).length;
        return n >= 15 ? n : 0;
      },
      60_000,
      'A to upload its first 15 photos',
      { intervalMs: 50, explain: () => `agent A output:\n${agentA.log.slice(-2000)}` },
    );
    await server.kill();
    expect(uploaded, 'the server was killed in the middle of the sync').toBeLessThan(COUNT);
    // The agents meet a dead server for a while (connection refused), then it comes back.
    await sleep(2_000);
    await server.restart();

    await assertConverged(account, expected, api);
    expect(agentA.running, `agent A survived the outage\n${agentA.log.slice(-2000)}`).toBe(true);
    expect(agentB.running, `agent B survived the outage\n${agentB.log.slice(-2000)}`).toBe(true);
  });
});
