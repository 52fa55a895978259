import type { Tree } from './harness.js';
import type { WrittenPhoto } from './photos.js';

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
