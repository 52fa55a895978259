import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSteps, probeConnection } from './connection.js';

/** A real HTTP server answering like Skyroll's info route (426 for protocol 0). */
let http: Server;
let base: string;

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.url !== '/api/server/info') return void res.writeHead(404).end();
    const protocol = req.headers['skyroll-protocol'];
    res.writeHead(protocol === '0' ? 426 : protocol === '7' ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => http.close(() => r())));

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('probeConnection', () => {
  it('times TCP and HTTP to a live server', async () => {
    const report = await probeConnection(base, 1);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual(['tcp', 'http']);
    expect(report.status).toBe(200);
    expect(formatSteps(report.steps)).toMatch(/^TCP \d+ ms, HTTP \d+ ms$/);
  });

  it('a 426 is an answer: the connection works, the version check explains the rest', async () => {
    const report = await probeConnection(base, 0);
    expect(report).toMatchObject({ ok: true, status: 426 });
  });

  it('names a refused TCP connection', async () => {
    const port = await freePort();
    const report = await probeConnection(`http://127.0.0.1:${port}`, 1);
    expect(report.ok).toBe(false);
    expect(report.steps.at(-1)).toMatchObject({ name: 'tcp', ok: false, detail: 'ECONNREFUSED' });
    expect(report.failure).toContain('connection refused');
  });

  it('names a failed DNS lookup', async () => {
    const report = await probeConnection('http://no-such-host.invalid:8437', 1, 3000);
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ name: 'dns', ok: false });
    expect(report.failure).toMatch(/^DNS lookup of no-such-host\.invalid failed/);
  });

  it('names a failed TLS handshake (https to a plain HTTP port)', async () => {
    const report = await probeConnection(base.replace('http:', 'https:'), 1);
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ['tcp', true],
      ['tls', false],
    ]);
    expect(report.failure).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });

  it('an HTTP error other than 426 is a failure of the HTTP step', async () => {
    const report = await probeConnection(base, 7);
    expect(report).toMatchObject({ ok: false, status: 503 });
    expect(report.steps.at(-1)).toMatchObject({ name: 'http', ok: false, detail: 'HTTP 503' });
    expect(report.failure).toContain('answered HTTP 503');
  });
});
