/**
 * kill -9 of the server in the middle of a 200-photo sync, then a restart on the same data
 * folder and port: everything converges — every photo on every device, no duplicate, nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, sleep, waitFor, type SkyrollServer } from '../support/harness.js';
import { COUNT, assertConverged, setUpCrashScenario, startUntilUploaded } from './crash-scenario.js';

describe('server crash during a 200-photo sync', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  it('kill -9 of the server mid-sync, then restart on the same data: converges', { timeout: 240_000 }, async () => {
    const { account, expected, api } = await setUpCrashScenario(h, server, 'serverkill', 42);
    const { agentA, agentB, uploaded } = await startUntilUploaded(h, account, api);
    await server.kill();
    expect(uploaded, 'the server was killed in the middle of the sync').toBeLessThan(COUNT);
    // The agents meet a dead server for a while (connection refused), then it comes back.
    await sleep(2_000);
    await server.restart();

    await assertConverged(h, account, expected, api);
    expect(agentA.running, `agent A survived the outage\n${agentA.log.slice(-2000)}`).toBe(true);
    expect(agentB.running, `agent B survived the outage\n${agentB.log.slice(-2000)}`).toBe(true);
  });
});
