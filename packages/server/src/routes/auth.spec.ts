import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_MAX, PROTOCOL_MIN, SKYROLL_VERSION, UpdateRequiredDetails } from '@skyroll/protocol';
import { ENGINES, request, startTestServer, testEngine, withDatabase, within, type TestEngine, type TestServer } from '../testing/harness.js';

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  let server: TestServer;

  beforeAll(async () => {
    store = await testEngine(engine, 'auth');
    server = await startTestServer(store.env);
  });
  afterAll(async () => {
    try {
      await server?.close();
    } finally {
      await store?.drop();
    }
  });

  const password = 'correct horse battery';

  describe('accounts and devices', () => {
    it('signs up, logs in as a device, answers me, and logs out', async () => {
      const signup = await request(server.url, '/api/auth/signup', { json: { email: 'Ann@Example.com', password } });
      expect(signup.status).toBe(200);
      expect(signup.body).toEqual({ accountId: expect.any(String), email: 'ann@example.com' });

      const login = await request(server.url, '/api/auth/login', { json: { email: 'ann@example.com', password, deviceName: 'phone' } });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ accountId: signup.body.accountId, email: 'ann@example.com', deviceId: expect.any(String) });
      const { token, deviceId } = login.body;

      const me = await request(server.url, '/api/auth/me', { token });
      expect(me.body).toEqual({ accountId: signup.body.accountId, email: 'ann@example.com', deviceId, deviceName: 'phone' });

      // Stored: an argon2id hash of the password, and only the SHA-256 of the device token.
      const { account, device } = await withDatabase(server, async (db) => ({
        account: await db.selectFrom('accounts').select('password_hash').where('id', '=', signup.body.accountId).executeTakeFirstOrThrow(),
        device: await db.selectFrom('devices').select('token_hash').where('id', '=', deviceId).executeTakeFirstOrThrow(),
      }));
      expect(account.password_hash).toMatch(/^\$argon2id\$/);
      expect(device.token_hash).toBe(createHash('sha256').update(token).digest('hex'));

      // A second device has its own token; logging one out leaves the other signed in.
      const other = await request(server.url, '/api/auth/login', { json: { email: 'ann@example.com', password, deviceName: 'laptop' } });
      expect(other.body.token).not.toBe(token);
      const stream = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
      const streamEnded = stream.text();
      expect((await request(server.url, '/api/auth/logout', { method: 'POST', token })).status).toBe(204);
      await within(1000, streamEnded, 'the event stream of the logged-out device to end');
      const revoked = await request(server.url, '/api/auth/me', { token });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('UNAUTHORIZED');
      expect((await request(server.url, '/api/auth/me', { token: other.body.token })).status).toBe(200);
    });

    it('refuses a taken email with 409 EMAIL_TAKEN', async () => {
      await request(server.url, '/api/auth/signup', { json: { email: 'taken@example.com', password } });
      const again = await request(server.url, '/api/auth/signup', { json: { email: 'TAKEN@example.com', password } });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('EMAIL_TAKEN');
    });

    it('lets exactly one of several racing signups for one email through', async () => {
      const signups = await Promise.all(
        ['race@example.com', 'Race@example.com', 'RACE@example.com', 'race@EXAMPLE.com'].map((email) =>
          request(server.url, '/api/auth/signup', { json: { email, password } }),
        ),
      );
      expect(signups.map((s) => s.status).sort()).toEqual([200, 409, 409, 409]);
      expect(signups.filter((s) => s.status === 409).map((s) => s.body.error.code)).toEqual(['EMAIL_TAKEN', 'EMAIL_TAKEN', 'EMAIL_TAKEN']);
    });

    it('answers a wrong password and an unknown email alike', async () => {
      await request(server.url, '/api/auth/signup', { json: { email: 'wrong@example.com', password } });
      const wrong = await request(server.url, '/api/auth/login', { json: { email: 'wrong@example.com', password: 'nope', deviceName: 'd' } });
      const unknown = await request(server.url, '/api/auth/login', { json: { email: 'nobody@example.com', password, deviceName: 'd' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
    });

    it('rate-limits login attempts per ip and email (10 a minute) with 429 RATE_LIMITED', async () => {
      await request(server.url, '/api/auth/signup', { json: { email: 'limited@example.com', password } });
      const attempt = (email: string) => request(server.url, '/api/auth/login', { json: { email, password: 'bad', deviceName: 'd' } });
      for (let i = 0; i < 10; i++) expect((await attempt('limited@example.com')).status).toBe(401);
      const limited = await attempt('limited@example.com');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      // The right password does not get through either, but another email still can try.
      const right = await request(server.url, '/api/auth/login', { json: { email: 'limited@example.com', password, deviceName: 'd' } });
      expect(right.status).toBe(429);
      expect((await attempt('other@example.com')).status).toBe(401);
    });

    it('needs a valid bearer token on every private route', async () => {
      for (const [method, route] of [
        ['GET', '/api/auth/me'],
        ['GET', '/api/journal'],
        ['GET', '/api/trash'],
        ['POST', '/api/assets/check'],
        ['GET', '/api/events'],
        ['POST', '/api/uploads'],
      ]) {
        const res = await request(server.url, route, { method, token: 'not-a-token' });
        expect(res.status, `${method} ${route}`).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    });
  });

  describe('protocol and errors', () => {
    it('serves its info without a token: the protocols it accepts and the newest agent it knows', async () => {
      const info = await request(server.url, '/api/server/info');
      expect(info.body).toEqual({
        name: 'skyroll',
        version: SKYROLL_VERSION,
        protocol: { min: PROTOCOL_MIN, max: PROTOCOL_MAX },
        latestAgentVersion: SKYROLL_VERSION,
        trashRetentionDays: 30,
      });
    });

    it('answers 426 UPDATE_REQUIRED naming the client’s protocol, the accepted range and the server version', async () => {
      for (const client of [PROTOCOL_MIN - 1, PROTOCOL_MAX + 98]) {
        const res = await request(server.url, '/api/auth/me', { headers: { 'skyroll-protocol': String(client) } });
        expect(res.status).toBe(426);
        expect(res.body.error).toEqual({
          code: 'UPDATE_REQUIRED',
          message: `Update required: this client speaks protocol ${client}, and this server (Skyroll ${SKYROLL_VERSION}) supports protocols ${PROTOCOL_MIN} to ${PROTOCOL_MAX}`,
          details: { client, min: PROTOCOL_MIN, max: PROTOCOL_MAX, serverVersion: SKYROLL_VERSION },
        });
        expect(UpdateRequiredDetails.safeParse(res.body.error.details).success).toBe(true);
      }
      const garbage = await request(server.url, '/api/server/info', { headers: { 'skyroll-protocol': 'banana' } });
      expect(garbage.status).toBe(426);
      expect(garbage.body.error.details).toMatchObject({ client: 'banana' });
      expect((await request(server.url, '/api/server/info', { headers: { 'skyroll-protocol': String(PROTOCOL_MAX) } })).status).toBe(200);
      // No header at all (a browser, curl) is accepted.
      expect((await request(server.url, '/api/server/info')).status).toBe(200);
    });

    it('maps malformed JSON, oversized bodies, bad shapes and unknown routes to ErrorBody', async () => {
      const malformed = await request(server.url, '/api/auth/signup', { body: '{"email":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('INVALID_JSON');

      const huge = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
      const oversized = await request(server.url, '/api/auth/signup', { body: huge, headers: { 'content-type': 'application/json' } });
      expect(oversized.status).toBe(413);
      expect(oversized.body.error.code).toBe('PAYLOAD_TOO_LARGE');

      const invalid = await request(server.url, '/api/auth/signup', { json: { email: 'not an email', password: 'short' } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
      expect(invalid.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['/email', '/password']);

      const unknown = await request(server.url, '/api/nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('NOT_FOUND');
    });

    it('publishes an OpenAPI document generated from the schemas', async () => {
      const doc = await request(server.url, '/api/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toContain('/api/assets/check');
    });
  });
});
