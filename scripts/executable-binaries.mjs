#!/usr/bin/env node
/**
 * The ffprobe binary of @ffprobe-installer installs without execute permission for others
 * (rwxr--r--): a server running as a non-root user could not start it. Run by `npm ci` (prepare).
 */
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const modules = join(dirname(fileURLToPath(import.meta.url)), '../node_modules');
for (const [scope, name] of [
  ['@ffmpeg-installer', 'ffmpeg'],
  ['@ffprobe-installer', 'ffprobe'],
]) {
  const dir = join(modules, scope);
  if (!existsSync(dir)) continue;
  for (const platform of readdirSync(dir)) {
    const binary = join(dir, platform, name);
    if (existsSync(binary)) chmodSync(binary, statSync(binary).mode | 0o555);
  }
}
