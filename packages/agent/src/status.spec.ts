import { describe, expect, it } from 'vitest';
import { formatStatus, statusReport } from './status.js';

describe('statusReport', () => {
  const items = [
    { path: 'a/new.jpg', state: 'pending' as const, reason: null, detail: null, checksum: null },
    { path: 'a/big.mov', state: 'blocked' as const, reason: 'cloud-storage' as const, detail: 'Cloud storage is full', checksum: null },
    { path: 'bad.jpg', state: 'failed' as const, reason: 'agent' as const, detail: 'The file is damaged', checksum: 'x' },
    { path: 'notes.txt', state: 'excluded' as const, reason: 'agent' as const, detail: 'not a photo or video', checksum: null },
  ];

  it('counts every state and lists every item', () => {
    const report = statusReport({ syncedPaths: ['a/old.jpg', 'b.jpg'], items });
    expect(report.summary).toEqual({ synced: 2, pending: 1, blocked: 1, failed: 1 });
    expect(report.items.map((i) => i.path)).toEqual(['a/big.mov', 'a/new.jpg', 'a/old.jpg', 'b.jpg', 'bad.jpg', 'notes.txt']);
  });

  it('filters by a folder or a file', () => {
    expect(statusReport({ syncedPaths: ['a/old.jpg', 'ab.jpg'], items, under: 'a/' }).items.map((i) => i.path)).toEqual([
      'a/big.mov',
      'a/new.jpg',
      'a/old.jpg',
    ]);
    expect(statusReport({ syncedPaths: [], items, under: 'bad.jpg' }).summary.failed).toBe(1);
  });

  it('shows waiting items as blocked by the pause', () => {
    const report = statusReport({ syncedPaths: [], items, paused: { detail: 'paused' } });
    expect(report.items.find((i) => i.path === 'a/new.jpg')).toMatchObject({ state: 'blocked', reason: 'sync-enabled' });
  });

  it('marks synced items held as previews as optimized, counted as synced and not listed as a problem', () => {
    const report = statusReport({ syncedPaths: ['a/old.jpg', 'b.jpg'], items: [], optimizedPaths: ['b.jpg', 'gone.jpg'] });
    expect(report.items).toEqual([
      { path: 'a/old.jpg', state: 'synced', reason: null, detail: null },
      { path: 'b.jpg', state: 'optimized', reason: null, detail: expect.stringContaining('skyroll fetch') },
    ]);
    expect(report.summary.synced).toBe(2);
    expect(formatStatus(report)).toBe('2 synced, 0 pending, 0 blocked, 0 failed');
  });

  it('prints one line per item not synced, then the summary', () => {
    const text = formatStatus(statusReport({ syncedPaths: ['b.jpg'], items }));
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toMatch(/1 synced, 1 pending, 1 blocked, 1 failed$/);
  });

  it('lists files the agent has not seen yet as pending uploads', () => {
    const report = statusReport({ syncedPaths: ['b.jpg'], items, unseenPaths: ['b.jpg', 'c/new.jpg', 'a/new.jpg'] });
    expect(report.items.find((i) => i.path === 'c/new.jpg')).toMatchObject({ state: 'pending', reason: null });
    expect(report.items.find((i) => i.path === 'b.jpg')?.state).toBe('synced');
    expect(report.summary.pending).toBe(2);
  });

  it('with no agent running, waiting items wait on the agent; items blocked for a cause keep it', () => {
    const report = statusReport({ syncedPaths: [], items, unseenPaths: ['c/new.jpg'], agentAbsent: { detail: 'start it' } });
    expect(report.items.find((i) => i.path === 'c/new.jpg')).toMatchObject({ state: 'pending', reason: 'agent', detail: 'start it' });
    expect(report.items.find((i) => i.path === 'a/new.jpg')).toMatchObject({ state: 'pending', reason: 'agent' });
    expect(report.items.find((i) => i.path === 'a/big.mov')).toMatchObject({ state: 'blocked', reason: 'cloud-storage' });
    expect(report.items.find((i) => i.path === 'bad.jpg')).toMatchObject({ state: 'failed', reason: 'agent', detail: 'The file is damaged' });
  });

  it('gives every item its metadata when known, and shows synced items that have some', () => {
    const metadata = new Map([
      ['a/old.jpg', { favorite: true, hidden: false, albums: ['Lisbon', 'Porto'] }],
      ['b.jpg', { favorite: false, hidden: false, albums: [] }],
    ]);
    const report = statusReport({ syncedPaths: ['a/old.jpg', 'b.jpg'], items, metadataOf: (path) => metadata.get(path) });
    expect(report.items.find((i) => i.path === 'a/old.jpg')).toEqual({
      path: 'a/old.jpg',
      state: 'synced',
      reason: null,
      detail: null,
      favorite: true,
      hidden: false,
      albums: ['Lisbon', 'Porto'],
    });
    expect(report.items.find((i) => i.path === 'a/new.jpg')).toMatchObject({ favorite: false, hidden: false, albums: [] });
    const text = formatStatus(report);
    expect(text).toContain('synced      a/old.jpg  (favorite, in Lisbon, Porto)');
    expect(text).not.toContain('b.jpg');
  });
});
