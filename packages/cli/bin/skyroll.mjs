#!/usr/bin/env node
// The bundle made at install (scripts/build-cli.mjs) when it is at least as new as every source
// file; otherwise the TypeScript sources directly through tsx (a checkout being edited).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = join(packages, 'cli/dist/main.js');

function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const name of ['protocol', 'server', 'agent', 'cli']) visit(join(packages, name, 'src'));
  return newest;
}

let fresh = false;
try {
  fresh = statSync(bundle).mtimeMs >= newestSource();
} catch {
  // no bundle yet
}
if (fresh) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
