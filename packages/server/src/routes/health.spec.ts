import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_STALE_MS, type DeviceHealthReport } from '@skyroll/protocol';
import {
  ENGINES,
  loginAgain,
  openEventStream,
  request,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  testEngine,
  withDatabase,
  type TestEngine,
  type TestServer,
} from '../testing/harness.js';

const REPORT: DeviceHealthReport = {
  agentVersion: '0.1.0',
  protocol: 1,
  synced: 120,
  pending: 3,
  blocked: 2,
  failed: 0,
  uploads: 3,
  downloads: 2,
  pendingBytes: 9_000_000,
  reason: 'mobile-data',
  detail: 'Waiting for Wi-Fi: mobile data is off for this device',
  lastError: null,
  lastProgressAt: 1_700_000_000_000,
};

function heartbeat(url: string, token: string, report: unknown) {
  return request(url, '/api/devices/me/health', { method: 'PUT', token, json: report });
}

async function healthOf(url: string, token: string, deviceId: string) {
  const list = await request(url, '/api/devices', { token });
  expect(list.status).toBe(200);
  return list.body.devices.find((d: any) => d.id === deviceId).health;
}

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  beforeAll(async () => {
    store = await testEngine(engine, 'health');
  });
  afterAll(() => store?.drop());

  describe('device health (agent heartbeats)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(store.env);
    });
    afterAll(() => server?.close());

    it('stores a heartbeat at server time and lists it with reportedAt, fresh; a device that never reported has none', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const laptop = await loginAgain(server.url, phone.email, 'laptop');
      const before = Date.now();
      const put = await heartbeat(server.url, phone.token, REPORT);
      expect(put.status).toBe(204);
      expect(put.body).toBeUndefined();

      const health = await healthOf(server.url, laptop.token, phone.deviceId);
      expect(health).toEqual({ ...REPORT, reportedAt: expect.any(Number), stale: false });
      expect(health.reportedAt).toBeGreaterThanOrEqual(before);
      expect(health.reportedAt).toBeLessThanOrEqual(Date.now());
      expect(await healthOf(server.url, laptop.token, laptop.deviceId)).toBeNull();

      const next = { ...REPORT, pending: 0, blocked: 0, uploads: 0, downloads: 0, pendingBytes: 0, reason: null, detail: null };
      expect((await heartbeat(server.url, phone.token, next)).status).toBe(204);
      expect(await healthOf(server.url, phone.token, phone.deviceId)).toEqual({ ...next, reportedAt: expect.any(Number), stale: false });
    });

    it('refuses unknown keys, missing fields and bad values with 400 VALIDATION_FAILED, and keeps the last good report', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      for (const bad of [
        { ...REPORT, battery: 80 },
        { ...REPORT, synced: undefined },
        { ...REPORT, synced: -1 },
        { ...REPORT, reason: 'weather' },
        { ...REPORT, lastError: { at: 1, message: 'x'.repeat(2001) } },
      ]) {
        const res = await heartbeat(server.url, phone.token, bad);
        expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect(await healthOf(server.url, phone.token, phone.deviceId)).toBeNull();
      expect((await heartbeat(server.url, 'not-a-token', REPORT)).status).toBe(401);
    });

    it('pushes event: device to every stream of the account, not to another account, and not for a repeat', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const laptop = await loginAgain(server.url, phone.email, 'laptop');
      const stranger = await signupAndLogin(server.url, 'stranger');
      const laptopStream = await openEventStream(server.url, laptop.token);
      const strangerStream = await openEventStream(server.url, stranger.token);
      try {
        await laptopStream.waitFor('journal');
        await strangerStream.waitFor('journal');

        await heartbeat(server.url, phone.token, REPORT);
        const event = await laptopStream.waitFor('device');
        expect(event.data).toEqual({ deviceId: phone.deviceId, health: { ...REPORT, reportedAt: expect.any(Number), stale: false } });

        // The same report again is stored (reportedAt moves on) but not broadcast; a change is.
        await heartbeat(server.url, phone.token, REPORT);
        await heartbeat(server.url, phone.token, { ...REPORT, synced: 121, pending: 2 });
        await laptopStream.waitFor('device', (d) => d.health.synced === 121);
        expect(laptopStream.events.filter((e) => e.event === 'device')).toHaveLength(2);
        expect(strangerStream.events.some((e) => e.event === 'device')).toBe(false);
      } finally {
        laptopStream.close();
        strangerStream.close();
      }
    });

    it('reads a stored report that no longer matches the schema as no health (never a 500)', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const laptop = await loginAgain(server.url, phone.email, 'laptop');
      await withDatabase(server, async (db) => {
        const update = (id: string, healthJson: string) =>
          db.updateTable('devices').set({ health_json: healthJson, health_at: Date.now() }).where('id', '=', id).execute();
        await update(phone.deviceId, '{"agentVersion":"0.0.1","oldField":true}');
        await update(laptop.deviceId, '{not json');
      });
      const list = await request(server.url, '/api/devices', { token: phone.token });
      expect(list.status).toBe(200);
      expect(list.body.devices.map((d: any) => d.health)).toEqual([null, null]);
    });
  });

  describe('device health over time', () => {
    it('turns stale after HEALTH_STALE_MS of silence (server clock), and the next heartbeat is broadcast again', async () => {
      const now = await startTestServer(store.env);
      let later: TestServer | undefined;
      try {
        const phone = await signupAndLogin(now.url, 'phone');
        const laptop = await loginAgain(now.url, phone.email, 'laptop');
        await heartbeat(now.url, phone.token, REPORT);
        const { reportedAt } = await healthOf(now.url, laptop.token, phone.deviceId);
        await now.close();

        const offsetMs = HEALTH_STALE_MS + 60_000;
        later = await startTestServerOn(now.dataDir, { ...store.env, SKYROLL_CLOCK_OFFSET_MS: String(offsetMs) });
        expect(await healthOf(later.url, laptop.token, phone.deviceId)).toEqual({ ...REPORT, reportedAt, stale: true });

        // The agent is back with the very same report: the web app must hear it is fresh again.
        const stream = await openEventStream(later.url, laptop.token);
        try {
          await stream.waitFor('journal');
          await heartbeat(later.url, phone.token, REPORT);
          const event = await stream.waitFor('device');
          expect(event.data.health.stale).toBe(false);
          expect(event.data.health.reportedAt).toBeGreaterThanOrEqual(reportedAt + offsetMs);
        } finally {
          stream.close();
        }
        expect(await healthOf(later.url, laptop.token, phone.deviceId)).toMatchObject({ stale: false });
      } finally {
        await later?.close();
      }
    });
  });
});
