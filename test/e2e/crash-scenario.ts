/**
 * Shared by the crash tests (one file per crash, so the two run on separate workers): a
 * 200-photo library on device A, and the checks that everything converged afterwards.
 */
import { expect } from 'vitest';
import { ApiClient } from '../support/api.js';
import { hashTree, sleep, treesEqual, waitFor, waitForTrees, type Account, type Agent, type Harness, type SkyrollServer, type Tree } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';
import { treeOf } from '../support/trees.js';

export const COUNT = 200;
const SMALL = { targetBytes: 60 * 1024 };
export const CONVERGE_MS = 150_000;

export async function setUpCrashScenario(
  h: Harness,
  server: SkyrollServer,
  label: string,
  seed: number,
): Promise<{ account: Account; expected: Tree; api: ApiClient }> {
  const account = await h.createAccount(server, 2, label);
  const photos = await writePhotos(account.devices[0].syncDir, COUNT, { ...SMALL, seed, subdir: 'DCIM/100CANON' });
  const api = await ApiClient.login(server.url, account.email, account.password);
  return { account, expected: treeOf(photos), api };
}

/** Starts both agents and waits until A has uploaded `first` photos: the moment to crash something. */
export async function startUntilUploaded(
  h: Harness,
  account: Account,
  api: ApiClient,
  first = 15,
): Promise<{ agentA: Agent; agentB: Agent; uploaded: number }> {
  const [a, b] = account.devices;
  const agentA = h.startAgent(a);
  const agentB = h.startAgent(b);
  const uploaded = await waitFor(
    async () => {
      const n = (await api.liveAssets()).length;
      return n >= first ? n : 0;
    },
    60_000,
    `A to upload its first ${first} photos`,
    { intervalMs: 50, explain: () => `agent A output:\n${agentA.log.slice(-2000)}` },
  );
  return { agentA, agentB, uploaded };
}

export async function assertConverged(h: Harness, account: Account, expected: Tree, api: ApiClient): Promise<void> {
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
