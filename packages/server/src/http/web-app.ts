import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Api } from '../routes/route-types.js';
import type { NotFoundFallback } from './errors.js';

/** Vite's content-hashed bundles: a new build has new names, so they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The built web app (`npm run build:web`): SKYROLL_WEB_DIR when set, else the nearest
 * `packages/web/dist` (or `web/dist`) above this module, which holds both in a checkout and in
 * the bundled CLI (packages/cli/dist). Null when there is no build.
 */
export function findWebApp(override: string | null, from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  if (override) return hasIndex(override) ? path.resolve(override) : null;
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'packages', 'web', 'dist'), path.join(dir, 'web', 'dist')]) {
      if (hasIndex(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function hasIndex(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

/** Serves the web app's files at / (public: the app itself holds no data; the API behind it asks for the session). */
export async function registerWebApp(app: Api, dir: string | null): Promise<void> {
  if (dir === null) return;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      cacheControl: false,
      schemaHide: true,
      setHeaders: (reply, file) => {
        const hashed = path.relative(dir, file).split(path.sep)[0] === 'assets';
        reply.header('cache-control', hashed ? IMMUTABLE : 'no-cache');
      },
    });
  });
}

/**
 * Any other page of the app (/albums/…, /photo/…) is index.html, whose router takes it from there:
 * for a GET outside /api that asks for HTML. Without a build, a page that says how to make one.
 */
export function webAppFallback(dir: string | null): NotFoundFallback {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPageRequest(request)) return false;
    if (dir === null) {
      await reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NO_BUILD_PAGE);
      return true;
    }
    const html = await fsp.readFile(path.join(dir, 'index.html'));
    await reply.status(200).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    return true;
  };
}

function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0]!;
  if (pathname === '/api' || pathname.startsWith('/api/')) return false;
  return pathname === '/' || (request.headers.accept ?? '').includes('text/html');
}

const NO_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skyroll: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The web app is not built</h1>
<p>This Skyroll server runs and its API answers at <code>/api</code>, but it has no build of the web app to serve.</p>
<p>Build it from the repository root with <code>npm run build:web</code> (<code>npm ci</code> does it too), then reload this page.
Or point <code>SKYROLL_WEB_DIR</code> at a built web app and restart the server.</p>
</body></html>
`;
