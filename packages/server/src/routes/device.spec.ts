import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES,
  loginAgain,
  openEventStream,
  request,
  signupAndLogin,
  startTestServer,
  testEngine,
  within,
  type TestEngine,
  type TestServer,
} from '../testing/harness.js';

const DEFAULTS = { sync: true, mobileData: true, unlimitedUpdates: false, onlyWhenCharging: false, optimizeStorage: false };

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  describe('devices and their settings', () => {
    let server: TestServer;
    beforeAll(async () => {
      store = await testEngine(engine, 'device');
      server = await startTestServer(store.env);
    });
    afterAll(async () => {
      try {
        await server?.close();
      } finally {
        await store?.drop();
      }
    });

    it('reads the defaults, changes some settings, and pushes the change to every device at once', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const laptop = await loginAgain(server.url, phone.email, 'laptop');
      expect((await request(server.url, '/api/devices/me/settings', { token: phone.token })).body).toEqual(DEFAULTS);

      const stream = await openEventStream(server.url, phone.token);
      await stream.waitFor('journal');
      const sentAt = Date.now();
      // The web app (here: the laptop) turns mobile data off for the phone.
      const patched = await request(server.url, `/api/devices/${phone.deviceId}/settings`, {
        method: 'PATCH',
        token: laptop.token,
        json: { mobileData: false, optimizeStorage: true },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toEqual({ ...DEFAULTS, mobileData: false, optimizeStorage: true });
      const event = await stream.waitFor('settings', (d) => d.deviceId === phone.deviceId, 1000);
      expect(event.data).toEqual({ deviceId: phone.deviceId, settings: patched.body });
      expect(event.at - sentAt).toBeLessThan(1000);
      stream.close();

      // The phone reads its own, and changes one more (a partial PATCH keeps the others).
      const mine = await request(server.url, '/api/devices/me/settings', { method: 'PATCH', token: phone.token, json: { sync: false } });
      expect(mine.body).toEqual({ ...DEFAULTS, sync: false, mobileData: false, optimizeStorage: true });
      expect((await request(server.url, `/api/devices/${phone.deviceId}/settings`, { token: laptop.token })).body).toEqual(mine.body);
      expect((await request(server.url, `/api/devices/${laptop.deviceId}/settings`, { token: laptop.token })).body).toEqual(DEFAULTS);
    });

    it('refuses unknown keys and non-booleans, and hides other accounts’ devices (404)', async () => {
      const alice = await signupAndLogin(server.url, 'alice-phone');
      const bob = await signupAndLogin(server.url, 'bob-phone');
      const unknownKey = await request(server.url, '/api/devices/me/settings', { method: 'PATCH', token: alice.token, json: { wifiOnly: true } });
      expect(unknownKey.status).toBe(400);
      expect(unknownKey.body.error.code).toBe('VALIDATION_FAILED');
      const notBoolean = await request(server.url, '/api/devices/me/settings', { method: 'PATCH', token: alice.token, json: { sync: 'off' } });
      expect(notBoolean.status).toBe(400);
      const foreign = `/api/devices/${bob.deviceId}/settings`;
      expect((await request(server.url, foreign, { token: alice.token })).status).toBe(404);
      const change = await request(server.url, foreign, { method: 'PATCH', token: alice.token, json: { sync: false } });
      expect(change.status).toBe(404);
      expect((await request(server.url, '/api/devices/me/settings', { token: bob.token })).body).toEqual(DEFAULTS);
      expect((await request(server.url, '/api/devices/not-a-uuid/settings', { token: alice.token })).status).toBe(400);
    });

    it('lists the account’s devices with when they were last seen and whether they were signed out', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const old = await loginAgain(server.url, phone.email, 'old tablet');
      await request(server.url, '/api/auth/me', { token: old.token });
      await request(server.url, '/api/auth/logout', { method: 'POST', token: old.token });
      await request(server.url, '/api/devices/me/settings', { method: 'PATCH', token: phone.token, json: { onlyWhenCharging: true } });
      const list = await request(server.url, '/api/devices', { token: phone.token });
      expect(list.status).toBe(200);
      expect(list.body.devices).toEqual([
        {
          id: phone.deviceId,
          name: 'phone',
          createdAt: expect.any(Number),
          lastSeenAt: expect.any(Number),
          revoked: false,
          kind: 'agent',
          settings: { ...DEFAULTS, onlyWhenCharging: true },
          health: null,
        },
        {
          id: old.deviceId,
          name: 'old tablet',
          createdAt: expect.any(Number),
          lastSeenAt: expect.any(Number),
          revoked: true,
          kind: 'agent',
          settings: DEFAULTS,
          health: null,
        },
      ]);
      expect(Math.abs(list.body.devices[0].lastSeenAt - Date.now())).toBeLessThan(60_000);
      const other = await signupAndLogin(server.url, 'stranger');
      expect((await request(server.url, '/api/devices', { token: other.token })).body.devices.map((d: any) => d.id)).toEqual([other.deviceId]);
    });

    it('signs a device out from another one: its token gets 401 "signed out" at once, its stream ends, the others go on', async () => {
      const phone = await signupAndLogin(server.url, 'phone');
      const laptop = await loginAgain(server.url, phone.email, 'laptop');
      const laptopStream = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${laptop.token}` } });
      const streamEnded = laptopStream.text();

      const before = Date.now();
      const revoke = await request(server.url, `/api/devices/${laptop.deviceId}`, { method: 'DELETE', token: phone.token });
      expect(revoke.status).toBe(204);
      await within(1000, streamEnded, 'the revoked device’s event stream to end');

      const refused = await request(server.url, '/api/auth/me', { token: laptop.token });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toEqual({
        code: 'UNAUTHORIZED',
        message: 'This device was signed out of the account',
        details: { revoked: true, revokedAt: expect.any(Number) },
      });
      const { revokedAt } = refused.body.error.details;
      expect(revokedAt).toBeGreaterThanOrEqual(before);
      expect(revokedAt).toBeLessThanOrEqual(Date.now());
      expect((await request(server.url, '/api/events', { token: laptop.token })).status).toBe(401);

      expect((await request(server.url, '/api/auth/me', { token: phone.token })).status).toBe(200);
      const list = await request(server.url, '/api/devices', { token: phone.token });
      expect(list.body.devices.map((d: any) => [d.name, d.revoked])).toEqual([['phone', false], ['laptop', true]]);

      // Again: still 204, and the first sign-out time stands.
      expect((await request(server.url, `/api/devices/${laptop.deviceId}`, { method: 'DELETE', token: phone.token })).status).toBe(204);
      expect((await request(server.url, '/api/auth/me', { token: laptop.token })).body.error.details.revokedAt).toBe(revokedAt);

      // A token the server never issued stays a plain 401.
      const unknown = await request(server.url, '/api/auth/me', { token: 'not-a-token' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String) });
    });

    it('hides another account’s and unknown devices (404), refuses a malformed id (400), and lets a device sign itself out', async () => {
      const alice = await signupAndLogin(server.url, 'alice-phone');
      const bob = await signupAndLogin(server.url, 'bob-phone');
      for (const id of [bob.deviceId, randomUUID()]) {
        const res = await request(server.url, `/api/devices/${id}`, { method: 'DELETE', token: alice.token });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      expect((await request(server.url, '/api/auth/me', { token: bob.token })).status).toBe(200);
      expect((await request(server.url, '/api/devices/not-a-uuid', { method: 'DELETE', token: alice.token })).status).toBe(400);

      expect((await request(server.url, `/api/devices/${alice.deviceId}`, { method: 'DELETE', token: alice.token })).status).toBe(204);
      expect((await request(server.url, '/api/auth/me', { token: alice.token })).body.error.details.revoked).toBe(true);
    });
  });
});
