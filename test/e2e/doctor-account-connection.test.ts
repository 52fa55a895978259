/**
 * `skyroll doctor` and `status` for the causes between a device and its server: a folder first
 * synced with one account, then signed into another (in the same state, and from a fresh state
 * over the same folder); the server stopped; a device signed in at a port where nothing listens.
 * In each, the doctor fails exactly the matching check with its fix (every other check ok or
 * skip), status gives the waiting items that reason, and clearing the cause converges with no
 * other action — the running agent picks up a new login, notices the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { showDoctor, statusOf, waitForAllSynced, waitForDoctorFailing, waitForDoctorHealthy, waitForLiveAssets, waitForReason } from '../support/doctor.js';
import { Harness, describeRun, hashTree, runCliOk, type RunResult, type Account, type Device, type SkyrollServer } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';

const SMALL = { targetBytes: 40 * 1024 };
const SHOW_MS = 20_000;
const CONVERGE_MS = 30_000;

async function login(server: SkyrollServer, device: Device, account: Account): Promise<RunResult> {
  return runCliOk(
    ['login', '--state', device.stateDir, '--server', server.url, '--email', account.email, '--device', `device-${device.name}`, '--password-stdin'],
    { stdin: `${account.password}\n` },
  );
}

function waitForLive(api: ApiClient, count: number, what: string, timeoutMs = CONVERGE_MS): Promise<void> {
  return waitForLiveAssets(api, count, what, timeoutMs);
}

describe('doctor: account and connection', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer();
  });
  afterAll(() => h.cleanup());

  describe('a folder first synced with one account, then signed into another', () => {
    let first: Account;
    let second: Account;
    let a: Device;
    let api1: ApiClient;
    let api2: ApiClient;
    let index = 0;

    beforeAll(async () => {
      [first, second] = await Promise.all([h.createAccount(server, 1, 'docfirst'), h.createAccount(server, 0, 'docsecond')]);
      [a] = first.devices;
      [api1, api2] = await Promise.all([
        ApiClient.login(server.url, first.email, first.password),
        ApiClient.login(server.url, second.email, second.password),
      ]);
    });

    /**
     * Signed into the second account, nothing in the folder counts as synced: every file there is
     * listed, blocked with account (the folder's photos are the first account's, not the second's).
     */
    async function expectFolderBlocked(device: Device): Promise<void> {
      const files = [...(await hashTree(a.syncDir)).keys()];
      const status = await statusOf(device);
      for (const path of files) {
        const item = status.items.find((i) => i.path === path);
        expect(item && { state: item.state, reason: item.reason }, `${path} in the status of device ${device.name}: ${JSON.stringify(status)}`).toEqual({ state: 'blocked', reason: 'account' });
      }
      expect(status.summary.synced, JSON.stringify(status)).toBe(0);
    }

    /** Account 2 got nothing: no asset, not even a journal entry. */
    async function expectSecondEmpty(): Promise<void> {
      expect((await api2.library()).size, "the second account's library").toBe(0);
    }

    it('login into another account in the same state while the agent runs: doctor fails account naming the first; logging back in converges', { timeout: 90_000 }, async () => {
      const agent = h.startAgent(a);
      await writePhotos(a.syncDir, 1, { ...SMALL, seed: 71, start: index++ });
      await waitForLive(api1, 1, 'the first photo in the first account');
      await waitForDoctorHealthy(a, {}, SHOW_MS);

      const switched = await login(server, a, second);
      // `login` itself warns that the folder belongs to the first account.
      expect(`${switched.stdout}\n${switched.stderr}`, describeRun(switched)).toContain(first.email);
      const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 71, start: index++ });
      const [item] = await waitForReason(a, [photo.relativePath], 'account', {}, SHOW_MS);
      expect(item.detail, 'detail of the account block').toBeTruthy();
      const { check } = await waitForDoctorFailing(a, 'account', {}, SHOW_MS, { fix: /skyroll login/ });
      expect(check.fix, showDoctor({ ok: false, checks: [check] })).toContain(`--email ${first.email}`);
      await expectFolderBlocked(a);
      await expectSecondEmpty();
      expect((await api1.liveAssets()).length, 'the first account got nothing while signed out of it').toBe(1);

      // Signing back in to the first account, with the agent still running: it converges.
      await login(server, a, first);
      await waitForLive(api1, 2, 'the new photo in the first account after signing back in');
      await waitForAllSynced(h, a, 2, 10_000);
      await waitForDoctorHealthy(a, {}, SHOW_MS);
      await expectSecondEmpty();
      expect(agent.running, 'the same agent process converged').toBe(true);
      await agent.stop();
    });

    it('a fresh state over the same folder, signed into another account: refused with account; login into the first converges', { timeout: 90_000 }, async () => {
      const fresh: Device = { name: 'A2', stateDir: await h.tempDir('state-A2'), syncDir: a.syncDir, account: second };
      await login(server, fresh, second);
      const agent = h.startAgent(fresh);
      const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 71, start: index++ });
      await waitForReason(fresh, [photo.relativePath], 'account', {}, SHOW_MS);
      const { check } = await waitForDoctorFailing(fresh, 'account', {}, SHOW_MS, { fix: /skyroll login/ });
      expect(check.fix, showDoctor({ ok: false, checks: [check] })).toContain(`--email ${first.email}`);
      await expectFolderBlocked(fresh);
      await expectSecondEmpty();

      await login(server, fresh, first);
      await waitForLive(api1, 3, 'the new photo in the first account after the fresh state signs into it');
      await waitForAllSynced(h, fresh, 3, 10_000);
      await waitForDoctorHealthy(fresh, {}, SHOW_MS);
      await expectSecondEmpty();
      // The photos already in the first account were recognised, not uploaded again.
      expect((await api1.liveAssets()).length).toBe(3);
      await agent.stop();
    });
  });

  it('server stopped: doctor fails connection (refused), server checks skipped; the server back on its port converges', { timeout: 90_000 }, async () => {
    const account = await h.createAccount(server, 1, 'docconn');
    const [c] = account.devices;
    const api = await ApiClient.login(server.url, account.email, account.password);
    const agent = h.startAgent(c);
    await writePhotos(c.syncDir, 1, { ...SMALL, seed: 72, start: 0 });
    await waitForLive(api, 1, 'a first photo to upload');
    await waitForDoctorHealthy(c, {}, SHOW_MS);

    await server.kill();
    const [photo] = await writePhotos(c.syncDir, 1, { ...SMALL, seed: 72, start: 1 });
    await waitForReason(c, [photo.relativePath], 'connection', {}, SHOW_MS);
    const { doctor } = await waitForDoctorFailing(c, 'connection', {}, SHOW_MS, { summary: /refused/i });
    // What needs the server cannot be evaluated: skipped, not passed.
    for (const id of ['cloud-storage', 'version']) {
      expect(doctor.report.checks.find((x) => x.id === id)?.status, `${id}\n${showDoctor(doctor)}`).toBe('skip');
    }

    await server.restart();
    await waitForLive(api, 2, 'the photo to upload once the server is back');
    await waitForAllSynced(h, c, 2, 10_000);
    await waitForDoctorHealthy(c, {}, SHOW_MS);
    expect(agent.running, 'the same agent process converged').toBe(true);
    await agent.stop();
  });

  // Last: it moves the server to another port.
  it('logged in to a port where nothing listens: doctor fails connection; a login with the right address converges', { timeout: 90_000 }, async () => {
    const account = await h.createAccount(server, 1, 'docport');
    const [e] = account.devices;
    const agent = h.startAgent(e);
    await writePhotos(e.syncDir, 1, { ...SMALL, seed: 74, start: 0 });
    let api = await ApiClient.login(server.url, account.email, account.password);
    await waitForLive(api, 1, 'a first photo to upload');
    await waitForDoctorHealthy(e, {}, SHOW_MS);

    // The same server (same data) now answers on another port: the device's address is wrong.
    const oldUrl = server.url;
    await server.kill();
    await server.start(0);
    expect(server.url).not.toBe(oldUrl);
    const [photo] = await writePhotos(e.syncDir, 1, { ...SMALL, seed: 74, start: 1 });
    await waitForReason(e, [photo.relativePath], 'connection', {}, SHOW_MS);
    const { check } = await waitForDoctorFailing(e, 'connection', {}, SHOW_MS, { summary: /refused/i, fix: /skyroll login --server/ });
    expect(check.summary).toContain(oldUrl);

    // The fix: sign in at the right address, while the agent runs.
    await login(server, e, account);
    api = await ApiClient.login(server.url, account.email, account.password);
    await waitForLive(api, 2, 'the photo to upload once the device has the right address');
    await waitForAllSynced(h, e, 2, 10_000);
    await waitForDoctorHealthy(e, {}, SHOW_MS);
    expect(agent.running, 'the same agent process converged').toBe(true);
    await agent.stop();
  });
});
