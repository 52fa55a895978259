import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, SESSION_COOKIE, type Device } from '@skyroll/protocol';
import { makeJpeg, request, sha256, signupAndLogin, startTestServer, within, type Session, type TestServer } from '../testing/harness.js';

const PASSWORD = 'correct horse battery';

describe('browser sessions: the cookie and its CSRF header', () => {
  let server: TestServer;
  let agent: Session;

  beforeAll(async () => {
    server = await startTestServer();
    agent = await signupAndLogin(server.url, 'laptop-agent');
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Signs in as a browser; returns the Set-Cookie line and the `name=value` pair to send back. */
  async function browserLogin(headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: agent.email, password: PASSWORD, deviceName: 'Firefox', session: 'cookie' }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(setCookie).toBeDefined();
    return { setCookie: setCookie!, cookie: setCookie!.split(';')[0]!, body: (await res.json()) as { deviceId: string } };
  }

  const withCookie = (cookie: string, route: string, init: { method?: string; json?: unknown; csrf?: boolean; headers?: Record<string, string> } = {}) =>
    fetch(server.url + route, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.csrf ? { [CSRF_HEADER]: '1' } : {}),
        ...init.headers,
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });

  it('sets an HttpOnly, SameSite=Strict cookie on / for a browser sign-in, Secure only over HTTPS', async () => {
    const { setCookie } = await browserLogin();
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/i);
    expect((await browserLogin({ 'x-forwarded-proto': 'https' })).setCookie).toMatch(/; Secure/i);
    // The browser's page never sees the token: it is only in the HttpOnly cookie.
    expect((await browserLogin()).body).not.toHaveProperty('token');
    // An agent's sign-in sets no cookie, and answers its bearer token.
    const res = await request<{ token?: string }>(server.url, '/api/auth/login', { json: { email: agent.email, password: PASSWORD, deviceName: 'phone' } });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.body.token).toMatch(/\S{20,}/);
  });

  it('the cookie authenticates reads; changes need the CSRF header; the bearer token needs none', async () => {
    const { cookie, body } = await browserLogin();
    const me = await withCookie(cookie, '/api/auth/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ deviceId: body.deviceId, deviceName: 'Firefox' });

    const refused = await withCookie(cookie, '/api/albums', { method: 'POST', json: { name: 'From the browser' } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CSRF_REQUIRED');
    expect(((await (await withCookie(cookie, '/api/albums')).json()) as { albums: unknown[] }).albums).toEqual([]);

    const allowed = await withCookie(cookie, '/api/albums', { method: 'POST', json: { name: 'From the browser' }, csrf: true });
    expect(allowed.status).toBe(200);
    const bearer = await request(server.url, '/api/albums', { token: agent.token, json: { name: 'From the agent' } });
    expect(bearer.status).toBe(200);
    // No cookie and no token: still 401, not a CSRF refusal.
    expect((await fetch(`${server.url}/api/albums`, { method: 'POST', headers: { [CSRF_HEADER]: '1' } })).status).toBe(401);
  });

  it('a browser session is a device of kind web', async () => {
    const { body } = await browserLogin();
    const devices = await request<{ devices: Device[] }>(server.url, '/api/devices', { token: agent.token });
    expect(devices.body.devices.find((d) => d.id === body.deviceId)?.kind).toBe('web');
    expect(devices.body.devices.find((d) => d.id === agent.deviceId)?.kind).toBe('agent');
  });

  it('streams events and uploads over tus with the cookie (+ header)', async () => {
    const { cookie } = await browserLogin();
    const events = await withCookie(cookie, '/api/events');
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await events.body?.cancel();

    const bytes = await makeJpeg(7);
    const tus = { 'tus-resumable': '1.0.0' };
    const metadata = `checksum ${Buffer.from(sha256(bytes)).toString('base64')},filename ${Buffer.from('IMG.jpg').toString('base64')}`;
    const create = (csrf: boolean) =>
      withCookie(cookie, '/api/uploads', { method: 'POST', csrf, headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': metadata } });
    expect((await create(false)).status).toBe(403);
    const created = await create(true);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const patched = await within(
      10_000,
      fetch(server.url + location, {
        method: 'PATCH',
        headers: { cookie, [CSRF_HEADER]: '1', ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: new Uint8Array(bytes),
      }),
      'the upload',
    );
    expect(patched.status).toBe(204);
    const committed = await withCookie(cookie, '/api/assets', { method: 'POST', csrf: true, json: { checksum: sha256(bytes), path: 'web/IMG.jpg' } });
    expect(committed.status).toBe(200);
  });

  it('signing out clears the cookie and ends the session', async () => {
    const { cookie } = await browserLogin();
    expect((await withCookie(cookie, '/api/auth/logout', { method: 'POST' })).status).toBe(403);
    const out = await withCookie(cookie, '/api/auth/logout', { method: 'POST', csrf: true });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    expect((await withCookie(cookie, '/api/auth/me')).status).toBe(401);
  });
});
