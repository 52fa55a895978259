/**
 * The scanner reports what the folder holds; it decides nothing. A file is hashed only when its
 * (device, inode, size, mtime) is not in the hash cache, and only once it has been quiet.
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalFile } from '../reconcile.js';
import type { FileIdentity, HashCacheRepository } from '../state/hash-cache.repository.js';
import { sha256File } from './hasher.js';
import { exclusionOf, isIgnoredName } from './media.js';
import { openForWriting } from './open-files.js';

export interface ExcludedFile {
  path: string;
  detail: string;
}

export interface ScanResult {
  files: LocalFile[];
  /** Present but still being written (or changed while hashed): decided on a later pass. */
  busy: string[];
  excluded: ExcludedFile[];
  /** How many files were hashed (cache misses). */
  hashed: number;
  /** When the busy files should have been quiet long enough (epoch ms), if any is busy. */
  settleAt?: number;
}

export interface ScanOptions {
  /** A file modified less than this long ago is still being written. */
  quietMs?: number;
  now?: () => number;
}

export const QUIET_MS = 60;

export async function scanFolder(root: string, cache: HashCacheRepository, options: ScanOptions = {}): Promise<ScanResult> {
  const quietMs = options.quietMs ?? QUIET_MS;
  const now = options.now ?? Date.now;
  const result: ScanResult = { files: [], busy: [], excluded: [], hashed: 0 };
  const settle = (at: number) => (result.settleAt = Math.max(result.settleAt ?? 0, at));
  const toHash: { path: string; id: FileIdentity }[] = [];

  for await (const { path, stat } of walk(root, '')) {
    const excluded = exclusionOf(path, Number(stat.size));
    if (excluded) {
      result.excluded.push({ path, detail: excluded });
      continue;
    }
    const id = identityOf(stat);
    const cached = cache.lookup(id);
    if (cached) result.files.push({ path, checksum: cached, ...id });
    else if (now() - Number(stat.mtimeNs / 1_000_000n) < quietMs) {
      result.busy.push(path);
      settle(Number(stat.mtimeNs / 1_000_000n) + quietMs);
    }
    else toHash.push({ path, id });
  }

  const writing = openForWriting(new Set(toHash.map((f) => join(root, f.path))));
  const queue = toHash.filter((f) => {
    if (!writing.has(join(root, f.path))) return true;
    result.busy.push(f.path);
    settle(now() + 4 * quietMs);
    return false;
  });
  const hashed: { id: FileIdentity; checksum: string }[] = [];
  await pool(queue, 4, async ({ path, id }) => {
    const file = await hashStable(root, path, id);
    if (!file) {
      settle(now() + quietMs);
      return void result.busy.push(path);
    }
    hashed.push({ id, checksum: file.checksum });
    result.files.push(file);
  });
  cache.storeMany(hashed);
  result.hashed = hashed.length;
  result.files.sort((a, b) => a.path.localeCompare(b.path));
  return result;
}

/**
 * What the folder holds that Skyroll would sync, by path and size, without hashing anything:
 * how `status` and `doctor` find files a stopped agent has not seen yet.
 */
export async function listCandidates(root: string): Promise<({ path: string } & FileIdentity)[]> {
  const files: ({ path: string } & FileIdentity)[] = [];
  for await (const { path, stat } of walk(root, '')) {
    if (!exclusionOf(path, Number(stat.size))) files.push({ path, ...identityOf(stat) });
  }
  return files;
}

/** Hashes a file, or returns undefined when its stat moved during the hash (still being written). */
async function hashStable(root: string, path: string, id: FileIdentity): Promise<LocalFile | undefined> {
  const abs = join(root, path);
  try {
    const before = identityOf(await lstat(abs, { bigint: true }));
    if (!sameIdentity(before, id)) return undefined;
    const checksum = await sha256File(abs);
    const after = identityOf(await lstat(abs, { bigint: true }));
    if (!sameIdentity(after, id)) return undefined;
    return { path, checksum, ...id };
  } catch {
    return undefined;
  }
}

export function identityOf(stat: BigIntStats): FileIdentity {
  return { dev: String(stat.dev), ino: String(stat.ino), size: Number(stat.size), mtimeNs: String(stat.mtimeNs) };
}

/** Only the identity fields of a file record. */
export function identityOfFile(f: FileIdentity): FileIdentity {
  return { dev: f.dev, ino: f.ino, size: f.size, mtimeNs: f.mtimeNs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

async function* walk(root: string, rel: string): AsyncGenerator<{ path: string; stat: BigIntStats }> {
  let names: string[];
  try {
    names = await readdir(join(root, rel));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (isIgnoredName(name)) continue;
    const path = rel ? `${rel}/${name}` : name;
    let stat: BigIntStats;
    try {
      stat = await lstat(join(root, path), { bigint: true });
    } catch {
      continue;
    }
    if (stat.isDirectory()) yield* walk(root, path);
    else if (stat.isFile()) yield { path, stat };
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}
