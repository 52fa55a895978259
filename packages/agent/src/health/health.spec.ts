import { describe, expect, it } from 'vitest';
import type { Item } from '../state/item.repository.js';
import { healthOf, unexplainedWaiting } from './health.js';

const item = (path: string, over: Partial<Item>): Item => ({ path, state: 'pending', reason: null, detail: null, checksum: null, ...over });

describe('healthOf', () => {
  const base = { synced: 7, lastError: null, lastProgressAt: 1000, protocol: 1 };

  it('counts items, transfers and bytes, and names the reason most items share', () => {
    const report = healthOf({
      ...base,
      items: [
        item('a.jpg', { transfer: 'upload', bytes: 100 }),
        item('b.jpg', { state: 'blocked', reason: 'cloud-storage', detail: 'full', transfer: 'upload', bytes: 200 }),
        item('c.jpg', { state: 'blocked', reason: 'cloud-storage', detail: 'full', transfer: 'upload', bytes: 300 }),
        item('d.jpg', { state: 'blocked', reason: 'device-storage', detail: 'disk', transfer: 'download', bytes: 50 }),
        item('e.jpg', { state: 'failed', reason: 'agent', detail: 'damaged' }),
        item('f.txt', { state: 'excluded', reason: 'agent', detail: 'not a photo' }),
      ],
    });
    expect(report).toMatchObject({ synced: 7, pending: 1, blocked: 3, failed: 1, uploads: 3, downloads: 1, pendingBytes: 650 });
    expect(report).toMatchObject({ reason: 'cloud-storage', detail: 'full', lastProgressAt: 1000, protocol: 1 });
  });

  it('a device-wide stop wins over the items', () => {
    const report = healthOf({ ...base, items: [item('a.jpg', { state: 'blocked', reason: 'power', detail: 'battery' })], stop: { reason: 'connection', detail: 'offline' } });
    expect(report).toMatchObject({ reason: 'connection', detail: 'offline' });
  });

  it('a tie goes to the check the doctor walks first', () => {
    const report = healthOf({
      ...base,
      items: [item('a', { state: 'blocked', reason: 'power', detail: 'p' }), item('b', { state: 'blocked', reason: 'mobile-data', detail: 'm' })],
    });
    expect(report.reason).toBe('mobile-data');
  });

  it('nothing waiting: no reason', () => {
    expect(healthOf({ ...base, items: [] })).toMatchObject({ pending: 0, blocked: 0, reason: null, detail: null });
  });
});

describe('unexplainedWaiting', () => {
  it('keeps waiting items with no outside cause', () => {
    const items = [
      item('a', {}),
      item('b', { state: 'uploading' }),
      item('c', { state: 'pending', reason: 'connection' }),
      item('d', { state: 'blocked', reason: 'power' }),
      item('e', { state: 'failed', reason: 'agent' }),
    ];
    expect(unexplainedWaiting(items).map((i) => i.path)).toEqual(['a', 'b']);
  });
});
