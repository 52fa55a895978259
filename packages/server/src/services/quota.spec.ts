import { describe, expect, it } from 'vitest';
import type { StorageReference } from '../repositories/asset.repository.js';
import { quotaExceeded, suggestPlan } from './quota.js';
import { storageBreakdown } from './storage-breakdown.js';

const plans = [
  { name: 'free', quotaBytes: 100 },
  { name: 'big', quotaBytes: 1000 },
  { name: 'mid', quotaBytes: 500 },
];

describe('suggestPlan / quotaExceeded', () => {
  it.each([
    [50, 'free'],
    [100, 'free'],
    [101, 'mid'],
    [600, 'big'],
    [1001, null],
  ])('%i bytes fit on %s', (bytes, plan) => {
    expect(suggestPlan(plans, bytes)).toBe(plan);
  });

  it('says what is used, what is free and which plan would fit', () => {
    const error = quotaExceeded(plans, { usedBytes: 90, quotaBytes: 100 }, 30);
    expect([error.code, error.status]).toEqual(['QUOTA_EXCEEDED', 507]);
    expect(error.details).toEqual({ usedBytes: 90, quotaBytes: 100, neededBytes: 30, freeBytes: 10, suggestedPlan: 'mid' });
    expect(quotaExceeded(plans, { usedBytes: 120, quotaBytes: 100 }, 1).details?.freeBytes).toBe(0);
  });
});

describe('storageBreakdown', () => {
  const ref = (checksum: string, size: number, role: StorageReference['role'], type = 'photo', deviceId: string | null = 'd1'): StorageReference => ({
    checksum,
    size,
    type,
    role,
    deviceId: role === 'version' ? null : deviceId,
  });

  it('counts each original once, under its most visible use', () => {
    const breakdown = storageBreakdown(
      [
        ref('a', 10, 'live'),
        ref('v', 20, 'live', 'video', 'd2'),
        ref('t', 30, 'trashed'),
        ref('old', 40, 'version'),
        // Bytes both live and an earlier version elsewhere: live wins; trashed copy of live bytes: still live.
        ref('a', 10, 'version'),
        ref('a', 10, 'trashed', 'photo', 'd2'),
      ],
      new Map([
        ['d1', 'phone'],
        ['d2', 'camera'],
      ]),
    );
    expect(breakdown).toEqual({
      photos: 10,
      videos: 20,
      trash: 30,
      versions: 40,
      byDevice: [
        { deviceId: 'd1', name: 'phone', bytes: 40 },
        { deviceId: 'd2', name: 'camera', bytes: 20 },
      ],
    });
  });
});
