import { describe, expect, it } from 'vitest';
import { chooseEvictions, type EvictionCandidate } from './eviction.js';

const MB = 1024 * 1024;

function original(path: string, lastUsedMs: number, size = 10 * MB, extra: Partial<EvictionCandidate> = {}): EvictionCandidate {
  return { path, assetId: `id-${path}`, size, lastUsedMs, synced: true, placeholder: false, previewMissing: false, ...extra };
}

interface Row {
  name: string;
  candidates: EvictionCandidate[];
  freeBytes: number;
  floorBytes?: number;
  expect: string[];
}

const rows: Row[] = [
  { name: 'above the floor: nothing', candidates: [original('a.jpg', 1)], freeBytes: 200 * MB, expect: [] },
  { name: 'at the floor exactly: nothing', candidates: [original('a.jpg', 1)], freeBytes: 100 * MB, expect: [] },
  {
    name: 'least recently used first, stops once above the floor',
    candidates: [original('new.jpg', 300), original('old.jpg', 100), original('mid.jpg', 200)],
    freeBytes: 95 * MB,
    expect: ['old.jpg'],
  },
  {
    name: 'takes as many as needed',
    candidates: [original('new.jpg', 300), original('old.jpg', 100), original('mid.jpg', 200)],
    freeBytes: 85 * MB,
    expect: ['old.jpg', 'mid.jpg'],
  },
  {
    name: 'only synced originals: not a file waiting to upload, not a placeholder',
    candidates: [original('edit.jpg', 1, 10 * MB, { synced: false }), original('ph.jpg', 2, 10 * MB, { placeholder: true }), original('ok.jpg', 3)],
    freeBytes: 50 * MB,
    expect: ['ok.jpg'],
  },
  {
    name: 'only with a preview available',
    candidates: [original('nopreview.jpg', 1, 10 * MB, { previewMissing: true }), original('b.jpg', 2)],
    freeBytes: 95 * MB,
    expect: ['b.jpg'],
  },
  {
    name: 'an original no bigger than its preview gains nothing',
    candidates: [original('tiny.jpg', 1, 100 * 1024), original('b.jpg', 2)],
    freeBytes: 95 * MB,
    expect: ['b.jpg'],
  },
  {
    name: 'not enough to reach the floor: everything eligible',
    candidates: [original('a.jpg', 1), original('b.jpg', 2)],
    freeBytes: 10 * MB,
    expect: ['a.jpg', 'b.jpg'],
  },
  { name: 'same last use: by path', candidates: [original('b.jpg', 5), original('a.jpg', 5)], freeBytes: 95 * MB, expect: ['a.jpg'] },
];

describe('chooseEvictions', () => {
  it.each(rows)('$name', (row) => {
    const chosen = chooseEvictions({ candidates: row.candidates, freeBytes: row.freeBytes, floorBytes: row.floorBytes ?? 100 * MB, previewBytes: 512 * 1024 });
    expect(chosen.map((c) => c.path)).toEqual(row.expect);
  });
});
