import { describe, expect, it } from 'vitest';
import { freePath, reconcile, type Action, type BaseRecord, type LocalFile, type PlaceholderRecord, type RemoteAsset } from './reconcile.js';

const sum = (c: string) => c.repeat(64).slice(0, 64);
const A = sum('a');
const B = sum('b');
const C = sum('c');
/** The preview bytes standing in for A (Optimize Storage), and an edit of them. */
const PA = sum('p');
const PE = sum('e');

function file(path: string, checksum: string, ino = path, mtime = '1'): LocalFile {
  return { path, checksum, dev: '1', ino, size: 10, mtimeNs: mtime };
}
function base(path: string, assetId: string, checksum: string, remotePath = path, ino = path): BaseRecord {
  return { path, assetId, checksum, remotePath, dev: '1', ino, size: 10, mtimeNs: '1' };
}
function placeholder(path: string, assetId: string, checksum: string, placeholderChecksum: string): PlaceholderRecord {
  return { path, assetId, checksum, placeholderChecksum };
}
function asset(id: string, checksum: string, path: string, trashed = false, version = 1): RemoteAsset {
  return { id, checksum, path, trashed, version };
}

/** An action, reduced to what the table compares. */
function brief(a: Action): string {
  switch (a.kind) {
    case 'upload':
      return `upload ${a.path}${a.replaces ? ` replaces ${a.replaces.assetId}` : ''}`;
    case 'link':
      return `link ${a.path} -> ${a.asset.id}${a.restore ? ' (restore)' : ''}${a.from ? ` from ${a.from}` : ''}`;
    case 'download':
      return `download ${a.asset.id} -> ${a.path}`;
    case 'replace-local':
      return `replace-local ${a.path} with ${a.asset.id}`;
    case 'move-local':
      return `move-local ${a.path} -> ${a.to}`;
    case 'move-remote':
      return `move-remote ${a.base.path} -> ${a.path}`;
    default:
      return `${a.kind} ${a.path}`;
  }
}

interface Row {
  name: string;
  local?: LocalFile[];
  base?: BaseRecord[];
  remote?: RemoteAsset[];
  failed?: [string, string][];
  busy?: string[];
  placeholders?: PlaceholderRecord[];
  markerPresent?: boolean;
  confirm?: boolean;
  actions: string[];
  blocked?: string[];
}

const rows: Row[] = [
  { name: 'nothing anywhere', actions: [] },
  { name: 'in sync', local: [file('x.jpg', A)], base: [base('x.jpg', 'r1', A)], remote: [asset('r1', A, 'x.jpg')], actions: [] },
  { name: 'new local file: upload', local: [file('x.jpg', A)], actions: ['upload x.jpg'] },
  {
    name: 'new local file whose bytes are a live asset: link',
    local: [file('mine.jpg', A)],
    remote: [asset('r1', A, 'theirs.jpg')],
    actions: ['link mine.jpg -> r1'],
  },
  {
    name: 'new local file whose bytes are trashed: commit to restore',
    local: [file('x.jpg', A)],
    remote: [asset('r1', A, 'x.jpg', true)],
    actions: ['link x.jpg -> r1 (restore)'],
  },
  {
    name: 'local bytes changed: upload replacing the asset',
    local: [file('x.jpg', B)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['upload x.jpg replaces r1'],
  },
  {
    name: 'failed upload is not retried until the bytes change',
    local: [file('x.jpg', A), file('y.jpg', B)],
    failed: [['x.jpg', A], ['y.jpg', C]],
    actions: ['upload y.jpg'],
  },
  {
    name: 'remote live asset missing locally: download at its path',
    remote: [asset('r1', A, 'dir/x.jpg')],
    actions: ['download r1 -> dir/x.jpg'],
  },
  {
    name: 'download never overwrites other bytes: suffix',
    local: [file('x.jpg', B)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['upload x.jpg', 'download r1 -> x (2).jpg'],
  },
  {
    name: 'two downloads competing for a name',
    local: [file('x.jpg', C)],
    remote: [asset('r1', A, 'x.jpg'), asset('r2', B, 'x.jpg')],
    actions: ['upload x.jpg', 'download r1 -> x (2).jpg', 'download r2 -> x (3).jpg'],
  },
  { name: 'trashed remote asset not local: nothing', remote: [asset('r1', A, 'x.jpg', true)], actions: [] },
  {
    name: 'remote new version, local unchanged: replace-local',
    local: [file('x.jpg', A)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', B, 'x.jpg', false, 2)],
    actions: ['replace-local x.jpg with r1'],
  },
  {
    name: 'remote trashed, local unchanged: delete-local',
    local: [file('x.jpg', A)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg', true)],
    actions: ['delete-local x.jpg'],
  },
  {
    name: 'remote purged, local unchanged: delete-local',
    local: [file('x.jpg', A)],
    base: [base('x.jpg', 'r1', A)],
    actions: ['delete-local x.jpg'],
  },
  {
    name: 'local deleted: trash-remote',
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['trash-remote x.jpg'],
  },
  {
    name: 'local deleted but another local copy holds the asset: forget, no trash',
    local: [file('copy.jpg', A)],
    base: [base('x.jpg', 'r1', A), base('copy.jpg', 'r1', A, 'x.jpg')],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['forget x.jpg'],
  },
  {
    name: 'rename: same bytes at a new path, old path gone: move-remote',
    local: [file('new/y.jpg', A, 'i1')],
    base: [base('x.jpg', 'r1', A, 'x.jpg', 'i1')],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['move-remote x.jpg -> new/y.jpg'],
  },
  {
    name: 'rename already done remotely (crash after the move): just record it',
    local: [file('y.jpg', A, 'i1')],
    base: [base('x.jpg', 'r1', A, 'x.jpg', 'i1')],
    remote: [asset('r1', A, 'y.jpg')],
    actions: ['link y.jpg -> r1 from x.jpg'],
  },
  {
    name: 'remote moved, local unchanged and target free: move-local',
    local: [file('x.jpg', A)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'album/x.jpg')],
    actions: ['move-local x.jpg -> album/x.jpg'],
  },
  {
    name: 'remote moved onto a taken name: keep the local name, record the remote path',
    local: [file('x.jpg', A), file('y.jpg', B)],
    base: [base('x.jpg', 'r1', A), base('y.jpg', 'r2', B)],
    remote: [asset('r1', A, 'y.jpg'), asset('r2', B, 'y.jpg')],
    actions: ['link x.jpg -> r1'],
  },
  {
    name: 'both sides gone: forget',
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg', true)],
    actions: ['forget x.jpg'],
  },
  { name: 'both sides gone (purged): forget', base: [base('x.jpg', 'r1', A)], actions: ['forget x.jpg'] },
  {
    name: 'conflict: local change vs remote trash: the change wins',
    local: [file('x.jpg', B)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg', true)],
    actions: ['upload x.jpg replaces r1'],
  },
  {
    name: 'conflict: local change vs remote new version: upload, later wins',
    local: [file('x.jpg', B)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', C, 'x.jpg', false, 2)],
    actions: ['upload x.jpg replaces r1'],
  },
  {
    name: 'both sides saved the same new bytes: record it',
    local: [file('x.jpg', B)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', B, 'x.jpg', false, 2)],
    actions: ['link x.jpg -> r1'],
  },
  {
    name: 'conflict: local delete vs remote new version: download it back',
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', B, 'x.jpg', false, 2)],
    actions: ['forget x.jpg', 'download r1 -> x.jpg'],
  },
  {
    name: 'touched file (same bytes, new mtime): refresh the base',
    local: [file('x.jpg', A, 'x.jpg', '2')],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['link x.jpg -> r1'],
  },
  {
    name: 'a file still being written is left alone, and its asset not downloaded again',
    busy: ['x.jpg', 'new.jpg'],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: [],
  },
  {
    name: 'mass delete: marker missing with synced items: deletions blocked, the rest syncs',
    local: [file('n.jpg', C)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg'), asset('r2', B, 'y.jpg')],
    markerPresent: false,
    actions: ['upload n.jpg', 'download r2 -> y.jpg'],
    blocked: ['x.jpg'],
  },
  {
    name: 'mass delete confirmed: deletions propagate',
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    markerPresent: false,
    confirm: true,
    actions: ['trash-remote x.jpg'],
  },
  // Optimize Storage: a preview stands in for the original at the same path.
  {
    name: 'placeholder unchanged: in sync, nothing uploaded',
    local: [file('x.jpg', PA, 'x2', '2')],
    base: [{ ...base('x.jpg', 'r1', A), ino: 'x2', mtimeNs: '2' }],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: [],
  },
  {
    name: 'placeholder edited: the edit is a new asset, the original is left alone',
    local: [file('x.jpg', PE, 'x2', '3')],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['upload x.jpg'],
  },
  {
    name: 'original fetched back: normal (its new stat is recorded)',
    local: [file('x.jpg', A, 'x3', '4')],
    base: [{ ...base('x.jpg', 'r1', A), ino: 'x2', mtimeNs: '2' }],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['link x.jpg -> r1'],
  },
  {
    name: 'original fetched back, then edited: a new version of the asset',
    local: [file('x.jpg', B)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    actions: ['upload x.jpg replaces r1'],
  },
  {
    name: 'placeholder renamed: a rename of the asset, not an upload',
    local: [file('y.jpg', PA, 'x2')],
    base: [base('x.jpg', 'r1', A, 'x.jpg', 'x2')],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['move-remote x.jpg -> y.jpg'],
  },
  {
    name: 'placeholder deleted: a trash move',
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['trash-remote x.jpg'],
  },
  {
    name: 'placeholder whose asset was trashed elsewhere: deleted here',
    local: [file('x.jpg', PA)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg', true)],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['delete-local x.jpg'],
  },
  {
    name: 'placeholder whose asset has a new version elsewhere: replaced',
    local: [file('x.jpg', PA)],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', B, 'x.jpg', false, 2)],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['replace-local x.jpg with r1'],
  },
  {
    name: 'a placeholder copied to a new name is never uploaded (a link to its asset)',
    local: [file('x.jpg', PA), file('copy.jpg', PA, 'c')],
    base: [base('x.jpg', 'r1', A)],
    remote: [asset('r1', A, 'x.jpg')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: ['link copy.jpg -> r1'],
  },
  {
    name: 'a placeholder whose asset was purged is never uploaded',
    local: [file('y.jpg', PA, 'c')],
    placeholders: [placeholder('x.jpg', 'r1', A, PA)],
    actions: [],
  },
];

describe('reconcile', () => {
  it.each(rows)('$name', (row) => {
    const plan = reconcile(
      {
        local: row.local ?? [],
        base: row.base ?? [],
        remote: row.remote ?? [],
        failed: new Map(row.failed ?? []),
        busy: row.busy,
        placeholders: row.placeholders,
      },
      { folder: '/photos', markerPresent: row.markerPresent ?? true, confirmDeletions: row.confirm ?? false },
    );
    expect(plan.actions.map(brief)).toEqual(row.actions);
    expect(plan.blocked.map((b) => b.path)).toEqual(row.blocked ?? []);
  });

  it('blocks more than 5 deletions over 20% of the synced items, saying how to confirm', () => {
    const n = 10;
    const records = Array.from({ length: n }, (_, i) => base(`f${i}.jpg`, `r${i}`, sum(String(i))));
    const remote = records.map((r) => asset(r.assetId, r.checksum, r.path));
    const local = records.slice(0, 3).map((r) => file(r.path, r.checksum));
    const plan = reconcile({ local, base: records, remote }, { folder: '/photos', markerPresent: true, confirmDeletions: false });
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toHaveLength(7);
    expect(plan.blocked[0].reason).toBe('mass-delete');
    expect(plan.blocked[0].detail).toContain('skyroll sync /photos --confirm-deletions');
  });
});

describe('freePath', () => {
  it.each([
    ['x.jpg', [], 'x.jpg'],
    ['x.jpg', ['x.jpg'], 'x (2).jpg'],
    ['a/x.jpg', ['a/x.jpg', 'a/x (2).jpg'], 'a/x (3).jpg'],
    ['a.b/noext', ['a.b/noext'], 'a.b/noext (2)'],
  ])('%s taken %j -> %s', (path, taken, expected) => {
    expect(freePath(path, new Set(taken))).toBe(expected);
  });
});
