import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebApp } from '../http/web-app.js';
import { startTestServer, type TestServer } from '../testing/harness.js';

const INDEX = '<!doctype html><html><body><div id="root">Skyroll web</div></body></html>';

/** A built web app as Vite lays it out: index.html, hashed bundles under assets/, public files. */
function makeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'assets', 'index-3f9a1c.js'), 'console.log("app")');
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Skyroll"}');
  return dir;
}

const page = (url: string) => fetch(url, { headers: { accept: 'text/html,application/xhtml+xml' } });

describe('the web app, served at /', () => {
  let server: TestServer;
  let build: string;

  beforeAll(async () => {
    build = makeBuild();
    server = await startTestServer({ SKYROLL_WEB_DIR: build });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(build, { recursive: true, force: true });
  });

  it('serves index.html at / without caching it, and hashed bundles as immutable', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toBe(INDEX);
    const bundle = await fetch(`${server.url}/assets/index-3f9a1c.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await bundle.text()).toContain('console.log');
    expect((await fetch(`${server.url}/manifest.webmanifest`)).headers.get('cache-control')).toBe('no-cache');
  });

  it("answers the app's own pages with index.html (the router takes it from there)", async () => {
    for (const route of ['/albums/0b6c2b8e-1111-4222-8333-444455556666', '/photo/abc', '/trash']) {
      const res = await page(server.url + route);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    }
  });

  it('keeps /api 404s JSON, and a missing file that is not a page a 404', async () => {
    for (const route of ['/api/nope', '/api/albums/x/y/z']) {
      const res = await page(server.url + route);
      expect(res.status, route).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    const missing = await fetch(`${server.url}/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
    // The API itself still asks for a session.
    expect((await fetch(`${server.url}/api/albums`)).status).toBe(401);
  });
});

describe('without a build', () => {
  it('answers / with a 503 page that says how to build the web app', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-web-empty-'));
    const server = await startTestServer({ SKYROLL_WEB_DIR: empty });
    try {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('npm run build:web');
      expect((await page(`${server.url}/albums`)).status).toBe(503);
      expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
    } finally {
      await server.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('findWebApp', () => {
  it('walks up to packages/web/dist (a checkout) or web/dist (from the bundled CLI in packages/cli/dist)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-tree-'));
    try {
      const dist = path.join(root, 'packages', 'web', 'dist');
      fs.mkdirSync(dist, { recursive: true });
      fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
      const serverSrc = path.join(root, 'packages', 'server', 'src', 'http');
      const cliDist = path.join(root, 'packages', 'cli', 'dist');
      fs.mkdirSync(serverSrc, { recursive: true });
      fs.mkdirSync(cliDist, { recursive: true });
      expect(findWebApp(null, serverSrc)).toBe(dist);
      expect(findWebApp(null, cliDist)).toBe(dist);
      expect(findWebApp(path.join(root, 'elsewhere'), serverSrc)).toBeNull();
      expect(findWebApp(null, os.tmpdir())).toBeNull();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
