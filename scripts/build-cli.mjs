#!/usr/bin/env node
/**
 * Bundles Skyroll's own TypeScript (the four workspace packages) into packages/cli/dist, so the
 * `skyroll` command starts in ~0.3 s instead of ~0.8 s through tsx's loader. Dependencies stay
 * external (loaded from node_modules as usual). Run by `npm ci` (prepare) and before `npm test`;
 * the bin falls back to the sources through tsx whenever the bundle is missing or older than them.
 */
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'packages/cli/dist');

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'packages/cli/src/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'dependencies-stay-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@skyroll/') ? undefined : { external: true }));
      },
    },
  ],
});
