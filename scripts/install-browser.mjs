#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is installed for the browser tests (run before `npm test`).
 * The tests drive it through playwright-core, which never downloads browsers of its own.
 * Exits non-zero, saying why, when Chromium is missing and cannot be installed.
 */
import { register } from 'tsx/esm/api';

register();
const { CHROMIUM, ensureDebianPackage } = await import('../test/support/debian.ts');

try {
  const binary = await ensureDebianPackage(CHROMIUM, { log: (line) => console.log(`install-browser: ${line}`) });
  console.log(`install-browser: Chromium at ${binary}`);
} catch (err) {
  console.error(`install-browser: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
