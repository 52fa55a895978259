/**
 * kill -9 of the agents in the middle of a 200-photo sync: after a restart everything
 * converges — every photo on every device, byte-identical, no duplicate asset, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, hashTree, waitFor, type SkyrollServer } from '../support/harness.js';
import { COUNT, CONVERGE_MS, assertConverged, setUpCrashScenario, startUntilUploaded } from './crash-scenario.js';

describe('agent crash during a 200-photo sync', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('kill -9 of both agents mid-upload, and of B again mid-download, then restart: converges', { timeout: 240_000 }, async () => {
    const { account, expected, api } = await setUpCrashScenario(h, server, 'agentkill', 41);
    const { agentA, agentB, uploaded } = await startUntilUploaded(h, account, api);
    await Promise.all([agentA.kill(), agentB.kill()]);
    expect(uploaded, 'the agents were killed in the middle of the upload').toBeLessThan(COUNT);

    agentA.start();
    agentB.start();
    const onB = await waitFor(
      async () => {
        const n = (await hashTree(agentB.device.syncDir)).size;
        return n >= 40 ? n : 0;
      },
      CONVERGE_MS,
      'B to download 40 photos',
      { intervalMs: 50 },
    );
    await agentB.kill();
    expect(onB, 'B was killed in the middle of the download').toBeLessThan(COUNT);
    agentB.start();

    await assertConverged(h, account, expected, api);
    expect(agentA.running && agentB.running, 'agents still running').toBe(true);
  });
});
