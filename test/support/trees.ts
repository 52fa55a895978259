/** Folder trees as relative path → sha256, compared and awaited across devices. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RESERVED_DIR } from '@skyroll/protocol';
import type { Device } from './harness.js';
import type { WrittenPhoto } from './photos.js';
import { waitFor } from './wait.js';

export type Tree = Map<string, string>;

/** relative path ('/'-separated, names as stored on disk) → sha256, ignoring `.skyroll`. */
export async function hashTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name === RESERVED_DIR) continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) await walk(abs, rel);
      else if (entry.isFile()) {
        try {
          tree.set(rel, await hashFile(abs));
        } catch (err) {
          // Renamed or deleted while we walked: the caller polls again.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    }
  };
  await walk(root, '');
  return tree;
}

export function hashFile(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', rej)
      .on('end', () => res(hash.digest('hex')));
  });
}

export function treesEqual(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [path, hash] of a) if (b.get(path) !== hash) return false;
  return true;
}

/** A readable difference between two trees, for failure messages. */
export function diffTrees(expected: Tree, actual: Tree, limit = 15): string {
  const lines: string[] = [];
  for (const [path, hash] of expected) {
    const got = actual.get(path);
    if (got === undefined) lines.push(`  missing   ${JSON.stringify(path)}`);
    else if (got !== hash) lines.push(`  differs   ${JSON.stringify(path)} (${got.slice(0, 12)} ≠ ${hash.slice(0, 12)})`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) lines.push(`  unexpected ${JSON.stringify(path)}`);
  if (lines.length === 0) return '  (identical)';
  const more = lines.length > limit ? `\n  … and ${lines.length - limit} more` : '';
  return `${lines.slice(0, limit).join('\n')}${more}  [expected ${expected.size} files, got ${actual.size}]`;
}

/** Waits until every device's folder equals `expected` (path → sha256), with a diff on timeout. */
export async function waitForTrees(devices: Device[], expected: Tree, timeoutMs: number, what: string): Promise<void> {
  await waitFor(
    async () => {
      for (const d of devices) if (!treesEqual(expected, await hashTree(d.syncDir))) return false;
      return true;
    },
    timeoutMs,
    what,
    {
      intervalMs: 300,
      explain: async () => {
        const parts: string[] = [];
        for (const d of devices) parts.push(`device ${d.name} (${d.syncDir}):\n${diffTrees(expected, await hashTree(d.syncDir))}`);
        return parts.join('\n');
      },
    },
  );
}

/** The tree (relative path → sha256) a set of written photos should produce on every device. */
export function treeOf(photos: Iterable<Pick<WrittenPhoto, 'relativePath' | 'sha256'>>): Tree {
  const tree: Tree = new Map();
  for (const p of photos) tree.set(p.relativePath, p.sha256);
  return tree;
}

export function withoutPaths(tree: Tree, paths: Iterable<string>): Tree {
  const out = new Map(tree);
  for (const p of paths) out.delete(p);
  return out;
}

/** sha256 → how many files hold those bytes. */
export function hashCounts(tree: Tree): Map<string, number> {
  const counts = new Map<string, number>();
  for (const hash of tree.values()) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  return counts;
}
