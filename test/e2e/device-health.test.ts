/**
 * Device health as the server sees it, with real agents: a running agent's heartbeat reaches
 * `GET /api/devices` (counts, the blocking reason with its fix) and follows the device's world
 * within seconds; a stopped agent turns stale there. A device signed out from another one says so
 * in `status` and `doctor`, and a new `skyroll login` while its agent runs makes it converge (and
 * signs the earlier session of that device out).
 */
import { ROUTES, type Device as ApiDevice } from '@skyroll/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, runCliOk, treeOf, waitFor, waitForTrees, type Account, type Agent, type Device, type SkyrollServer } from '../support/harness.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';
import { WORLD_FROM_FILE, waitForItem, writeWorld } from '../support/policy.js';

const SMALL = { targetBytes: 60 * 1024 };

describe('device health and sign-out', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let account: Account;
  let a: Device;
  let b: Device;
  let agentA: Agent;
  let agentB: Agent;
  let inspector: ApiClient;
  const added: WrittenPhoto[] = [];
  let index = 0;

  beforeAll(async () => {
    server = await h.startServer();
    account = await h.createAccount(server, 2, 'health');
    [a, b] = account.devices;
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    await writeWorld(b, { network: 'wifi', power: 'ac' });
    const env = { ...WORLD_FROM_FILE, SKYROLL_HEARTBEAT_MS: '300' };
    agentA = h.startAgent(a, { env });
    agentB = h.startAgent(b, { env });
    added.push(...(await writePhotos(a.syncDir, 2, { ...SMALL, seed: 31, start: index })));
    index += 2;
    await waitForTrees([a, b], treeOf(added), 60_000, 'the first photos on both devices');
    inspector = await ApiClient.login(server.url, account.email, account.password);
  });
  afterAll(() => h.cleanup());

  async function deviceNamed(name: string): Promise<ApiDevice> {
    const res = await inspector.request<{ devices: ApiDevice[] }>(ROUTES.devices);
    expect(res.status).toBe(200);
    const device = res.body.devices.find((d) => d.name === name);
    if (!device) throw new Error(`no device ${name} in ${res.text}`);
    return device;
  }

  it("a running agent's health reaches the server and follows its world", async () => {
    const healthy = await waitFor(
      async () => {
        const d = await deviceNamed('device-A');
        return d.health && d.health.synced === added.length && d.health.pending === 0 ? d : undefined;
      },
      15_000,
      'A reporting its synced photos',
    );
    expect(healthy.health).toMatchObject({ stale: false, reason: null, blocked: 0, agentVersion: expect.any(String) });

    // Cellular with mobile data off: the waiting photo and its reason show on the server.
    await runCliOk(['settings', 'mobile-data', 'off', '--state', a.stateDir], { env: WORLD_FROM_FILE });
    await writeWorld(a, { network: 'cellular', power: 'ac' });
    const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 31, start: index++ });
    await waitForItem(h, a, photo.relativePath, { state: 'blocked', reason: 'mobile-data' }, 20_000);
    const blocked = await waitFor(
      async () => {
        const d = await deviceNamed('device-A');
        return d.health?.reason === 'mobile-data' && d.health.blocked >= 1 ? d : undefined;
      },
      10_000,
      'A reporting the mobile-data block',
    );
    expect(blocked.health).toMatchObject({ uploads: 1, pendingBytes: photo.bytes.length });
    expect(blocked.health?.detail).toMatch(/mobile/i);

    // Back on Wi-Fi: the photo syncs and the server hears the device is clear again.
    await writeWorld(a, { network: 'wifi', power: 'ac' });
    added.push(photo);
    await waitForTrees([a, b], treeOf(added), 30_000, 'the photo after Wi-Fi returns');
    await waitFor(
      async () => {
        const d = await deviceNamed('device-A');
        return d.health?.reason === null && d.health.blocked === 0 && d.health.synced === added.length ? d : undefined;
      },
      10_000,
      'A reporting itself clear',
    );
  });

  it('a device signed out from another says so, and a new login while its agent runs converges', async () => {
    const target = await deviceNamed('device-B');
    const revoke = await runCliOk(['devices', 'revoke', target.id, '--state', a.stateDir]);
    expect(revoke.stdout).toContain(target.id);

    // B's next request meets the revocation; a photo from A then waits on B with reason account.
    const [photo] = await writePhotos(a.syncDir, 1, { ...SMALL, seed: 31, start: index++ });
    await waitFor(async () => (await deviceNamed('device-A')).health?.synced === added.length + 1 || undefined, 20_000, 'A uploading the photo');
    const doctor = await waitFor(
      async () => {
        const r = await h.device(b, ['doctor', '--json']);
        const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; status: string; summary: string; fix: string | null }[] };
        return report.checks.find((c) => c.id === 'account' && c.status === 'fail') ? { r, report } : undefined;
      },
      20_000,
      "B's doctor failing the account check",
    );
    expect(doctor.r.code).toBe(1);
    const account = doctor.report.checks.find((c) => c.id === 'account')!;
    expect(account.summary).toContain('signed out');
    expect(account.fix).toContain('skyroll login');
    expect((await deviceNamed('device-B')).revoked).toBe(true);

    // Signing in again (a new device token) while the agent runs: B converges, no restart.
    await runCliOk(['login', '--state', b.stateDir, '--server', server.url, '--email', a.account.email, '--device', 'device-B2', '--password-stdin'], {
      stdin: `${a.account.password}\n`,
    });
    added.push(photo);
    await waitForTrees([a, b], treeOf(added), 30_000, 'the photo on B after signing in again');
    expect(agentB.running, 'B kept running through the sign-out').toBe(true);
    const after = JSON.parse((await h.device(b, ['doctor', '--json'])).stdout) as { checks: { id: string; status: string }[] };
    expect(after.checks.find((c) => c.id === 'account')?.status).toBe('ok');

    // Signing in once more replaces that session instead of leaving it in the list, stale.
    await runCliOk(['login', '--state', b.stateDir, '--server', server.url, '--email', a.account.email, '--device', 'device-B3', '--password-stdin'], {
      stdin: `${a.account.password}\n`,
    });
    expect((await deviceNamed('device-B2')).revoked).toBe(true);
    expect((await deviceNamed('device-B3')).revoked).toBe(false);
  });

  it('a stopped agent turns stale on the server only after HEALTH_STALE_MS; until then it shows its last report', async () => {
    await agentA.stop();
    const d = await deviceNamed('device-A');
    expect(d.health).not.toBeNull();
    expect(d.health?.stale).toBe(false);
    // The server's clock jumped past the stale limit: restart it on the same data with an offset.
    await server.restart({ env: { SKYROLL_CLOCK_OFFSET_MS: String(10 * 60_000) } });
    inspector = await ApiClient.login(server.url, account.email, account.password);
    expect((await deviceNamed('device-A')).health?.stale).toBe(true);
  });
});
