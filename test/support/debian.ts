/**
 * Debian packages the tests need (nginx for the replica tests, Chromium for the browser tests),
 * installed by the project itself when the machine lacks them, so a fresh machine or CI needs
 * nothing done by hand. Installing needs root: as root directly, otherwise through `sudo -n`
 * (never a password prompt). When it cannot install, it throws: a test never skips silently.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DebianPackage {
  /** The package to install, e.g. `chromium`. */
  name: string;
  /** The file the package provides that the tests use, e.g. `/usr/bin/chromium`. */
  binary: string;
  /** Who needs it, for the error message ("the browser tests"). */
  neededBy: string;
}

export interface EnsureOptions {
  /** Where to say what is being done (default: nowhere). */
  log?: (line: string) => void;
}

/** Headless Chromium for the browser tests and the timeline benchmark. */
export const CHROMIUM: DebianPackage = { name: 'chromium', binary: '/usr/bin/chromium', neededBy: 'the browser tests' };
/** nginx in front of the replicas in the replica tests. */
export const NGINX_LIGHT: DebianPackage = { name: 'nginx-light', binary: '/usr/sbin/nginx', neededBy: 'the replica tests' };

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const APT_TIMEOUT_MS = 600_000;

/** apt-get as root, or through non-interactive sudo when this process is not root. */
function aptGet(args: string[]): Promise<unknown> {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
  return run(command, argv, { env: APT_ENV, timeout: APT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
}

/** The package's binary, installing the package first when the binary is missing. */
export async function ensureDebianPackage(pkg: DebianPackage, options: EnsureOptions = {}): Promise<string> {
  if (existsSync(pkg.binary)) return pkg.binary;
  const log = options.log ?? (() => {});
  const install = ['install', '-y', '--no-install-recommends', pkg.name];
  log(`${pkg.binary} is missing: apt-get ${install.join(' ')}`);
  try {
    await aptGet(install);
  } catch (first) {
    // A fresh machine (or container) may have no package lists yet.
    log(`apt-get install failed; apt-get update, then install again`);
    try {
      await aptGet(['update']);
      await aptGet(install);
    } catch (second) {
      throw new Error(
        `${pkg.neededBy} need Debian's ${pkg.name} and it could not be installed (apt-get ${install.join(' ')}; ` +
          `run it as root, or give this user passwordless sudo): ${describe(second)}\nfirst attempt: ${describe(first)}`,
      );
    }
  }
  if (!existsSync(pkg.binary)) throw new Error(`apt-get installed ${pkg.name} but ${pkg.binary} is missing`);
  log(`installed ${pkg.name}: ${pkg.binary}`);
  return pkg.binary;
}

/** execFile's error message already holds the command's stderr. */
function describe(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim();
}
