/**
 * `skyroll doctor` and `status` for a full cloud and for an agent that is not there or too old:
 * the quota is full (a server with a small default quota); the agent was killed with work
 * pending; the agent hangs (SIGSTOP: its process is alive but its heartbeat goes stale); the
 * agent speaks a protocol below the server's range (426 Update required). In each, the doctor fails
 * exactly the matching check with its fix (every other check ok or skip), status gives the
 * waiting items that reason, and clearing the cause converges with no other action.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { statusOf, waitForAllSynced, waitForDoctorFailing, waitForDoctorHealthy, waitForLiveAssets, waitForReason } from '../support/doctor.js';
import { Harness, describeRun, runCli, runCliOk, waitFor, type Agent, type Device, type SkyrollServer } from '../support/harness.js';
import { makePhoto, photoName, sha256, writePhotos } from '../support/photos.js';
import { padJpeg } from '../support/policy.js';

const SHOW_MS = 20_000;
const CONVERGE_MS = 30_000;
/** A short heartbeat, so a hung agent is "not responding" after 4 s. */
const HEARTBEAT_MS = 1_000;

function waitForLive(api: ApiClient, count: number, what: string, timeoutMs = CONVERGE_MS): Promise<void> {
  return waitForLiveAssets(api, count, what, timeoutMs);
}

describe('doctor: cloud storage, the agent and its version', () => {
  const h = new Harness();
  let server: SkyrollServer;
  /** The size of every quota photo. */
  let S = 0;
  let sized: Array<{ name: string; bytes: Buffer; sha256: string }> = [];

  beforeAll(async () => {
    const raw = await Promise.all(Array.from({ length: 3 }, (_, i) => makePhoto(i, { width: 160, height: 120, seed: 61 })));
    S = Math.max(...raw.map((p) => p.bytes.length)) + 64;
    sized = raw.map((p, i) => {
      const bytes = padJpeg(p.bytes, S);
      return { name: photoName(i, 'QUOTA_'), bytes, sha256: sha256(bytes) };
    });
    // Room for two photos on the default plan; `roomy` for everything else in this file.
    server = await h.startServer({
      env: {
        SKYROLL_DEFAULT_QUOTA_BYTES: String(2 * S + Math.floor(S / 2)),
        SKYROLL_PLANS: JSON.stringify({ plus: 10 * S, roomy: 1024 ** 3 }),
      },
    });
  });
  afterAll(() => h.cleanup());

  it('cloud quota full: doctor fails cloud-storage; a bigger plan (admin set-plan) converges', { timeout: 90_000 }, async () => {
    const account = await h.createAccount(server, 1, 'docquota');
    const [a] = account.devices;
    const api = await ApiClient.login(server.url, account.email, account.password);
    const agent = h.startAgent(a);
    for (const p of sized.slice(0, 2)) await writeFile(join(a.syncDir, p.name), p.bytes);
    await waitForLive(api, 2, 'the two photos that fit to upload');
    await waitForDoctorHealthy(a, {}, SHOW_MS);

    const third = sized[2];
    await writeFile(join(a.syncDir, third.name), third.bytes);
    const [item] = await waitForReason(a, [third.name], 'cloud-storage', {}, SHOW_MS);
    expect(item.detail, 'detail of the cloud-storage block').toBeTruthy();
    await waitForDoctorFailing(a, 'cloud-storage', {}, SHOW_MS, { fix: /trash|plan/i });
    expect((await api.liveAssets()).length, 'nothing over the quota reached the server').toBe(2);

    const setPlan = await runCli(['admin', 'set-plan', account.email, 'plus', '--data', server.dataDir]);
    expect(setPlan.code, describeRun(setPlan)).toBe(0);
    await waitForLive(api, 3, 'the blocked photo to upload after set-plan plus');
    expect((await api.liveAssets()).map((x) => x.checksum).sort()).toEqual(sized.map((p) => p.sha256).sort());
    await waitForAllSynced(h, a, 3, 10_000);
    await waitForDoctorHealthy(a, {}, SHOW_MS);
    await agent.stop();
  });

  describe('the agent', () => {
    let a: Device;
    let api: ApiClient;
    let agent: Agent;
    let index = 0;

    beforeAll(async () => {
      const account = await h.createAccount(server, 1, 'docagent');
      await runCliOk(['admin', 'set-plan', account.email, 'roomy', '--data', server.dataDir]);
      [a] = account.devices;
      api = await ApiClient.login(server.url, account.email, account.password);
      agent = h.startAgent(a);
      await writePhotos(a.syncDir, 1, { targetBytes: 40 * 1024, seed: 62, start: index++ });
      await waitForLive(api, 1, 'a first photo to upload');
    }, 60_000);

    it('agent killed (kill -9) with work pending: doctor fails agent (not running); starting sync again converges', { timeout: 90_000 }, async () => {
      await waitForDoctorHealthy(a, {}, SHOW_MS);
      await agent.kill();
      const photos = await writePhotos(a.syncDir, 2, { targetBytes: 40 * 1024, seed: 62, start: index });
      index += photos.length;
      const paths = photos.map((p) => p.relativePath);

      const items = await waitForReason(a, paths, 'agent', {}, SHOW_MS, ['pending']);
      for (const i of items) expect(i.state, JSON.stringify(i)).toBe('pending');
      await waitForDoctorFailing(a, 'agent', {}, SHOW_MS, { summary: /not running/i, fix: /skyroll sync/ });
      expect((await api.liveAssets()).length, 'nothing uploaded without an agent').toBe(1);

      agent.start();
      await waitForLive(api, 3, 'the two photos to upload once the agent runs again');
      await waitForAllSynced(h, a, 3, 10_000);
      await waitForDoctorHealthy(a, {}, SHOW_MS);
    });

    it('agent hung (SIGSTOP, heartbeat stale): doctor fails agent (not responding); SIGCONT converges', { timeout: 90_000 }, async () => {
      const env = { SKYROLL_HEARTBEAT_MS: String(HEARTBEAT_MS) };
      await agent.restart(env);
      await waitForDoctorHealthy(a, env, SHOW_MS);
      expect(agent.signal('SIGSTOP'), 'SIGSTOP sent').toBe(true);
      try {
        const [photo] = await writePhotos(a.syncDir, 1, { targetBytes: 40 * 1024, seed: 62, start: index++ });
        await waitForDoctorFailing(a, 'agent', env, SHOW_MS, { summary: /respond/i });
        const status = await statusOf(a, env);
        const item = status.items.find((i) => i.path === photo.relativePath);
        expect(item, `the new photo in status: ${JSON.stringify(status)}`).toBeTruthy();
        expect(item!.state, JSON.stringify(item)).toBe('pending');
        expect(item!.reason, JSON.stringify(item)).toBe('agent');
        expect((await api.liveAssets()).length, 'nothing uploaded by a hung agent').toBe(3);
      } finally {
        agent.signal('SIGCONT');
      }
      await waitForLive(api, 4, 'the photo to upload once the agent continues');
      await waitForAllSynced(h, a, 4, 10_000);
      await waitForDoctorHealthy(a, env, SHOW_MS);
      expect(agent.running, 'the same agent process resumed').toBe(true);
      await agent.stop();
    });
  });

  it('an agent whose protocol is below the server range: Update required, doctor fails version; an updated agent converges', { timeout: 90_000 }, async () => {
    const account = await h.createAccount(server, 1, 'docversion');
    await runCliOk(['admin', 'set-plan', account.email, 'roomy', '--data', server.dataDir]);
    const [d] = account.devices;
    const api = await ApiClient.login(server.url, account.email, account.password);
    const old = { SKYROLL_PROTOCOL_VERSION: '0' };
    const agent = h.startAgent(d, { env: old });
    const [photo] = await writePhotos(d.syncDir, 1, { targetBytes: 40 * 1024, seed: 73, start: 0 });

    const [item] = await waitForReason(d, [photo.relativePath], 'version', old, SHOW_MS);
    expect(item.detail ?? '', JSON.stringify(item)).toMatch(/update required/i);
    await waitFor(() => /update required/i.test(agent.log), 10_000, 'the agent to say "Update required"', {
      explain: () => `agent output:\n${agent.log.slice(-2000)}`,
    });
    await waitForDoctorFailing(d, 'version', old, SHOW_MS, { fix: /update/i, summary: /update required/i });
    // `status` in words says it too.
    const text = await runCliOk(['status', '--state', d.stateDir], { env: old });
    expect(text.stdout).toMatch(/update required/i);
    expect(await api.library(), 'nothing reached the server from the old agent').toHaveProperty('size', 0);

    // The updated agent: the same device, restarted without the old protocol.
    await agent.restart({ SKYROLL_PROTOCOL_VERSION: undefined });
    await waitForLive(api, 1, 'the photo to upload from the updated agent');
    await waitForAllSynced(h, d, 1, 10_000);
    await waitForDoctorHealthy(d, {}, SHOW_MS);
    await agent.stop();
  });
});
