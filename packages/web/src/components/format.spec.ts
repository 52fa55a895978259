import { describe, expect, it } from 'vitest';
import { cameraLabel, daysLeft, daysLeftText, itemCount, planLabel, relativeTime, usageBar } from './format.js';

const DAY = 24 * 3600_000;
const GIB = 1024 ** 3;

describe('daysLeft in Recently Deleted (30-day retention)', () => {
  const trashedAt = Date.UTC(2026, 0, 1, 12);
  it.each([
    [0, 29],
    [1, 29],
    [DAY - 1, 29],
    [DAY, 28],
    [DAY + 1, 28],
    [29 * DAY - 1, 1],
    [29 * DAY + 1, 0],
    [30 * DAY, 0],
    [45 * DAY, 0],
  ])('%d ms after the deletion → %d days', (elapsed, days) => {
    expect(daysLeft(trashedAt, trashedAt + elapsed)).toBe(days);
  });

  it('follows a different retention', () => {
    expect(daysLeft(0, 0, 7)).toBe(6);
  });

  it('says days in words', () => {
    expect(daysLeftText(29)).toBe('29 days');
    expect(daysLeftText(2)).toBe('2 days');
    expect(daysLeftText(1)).toBe('1 day');
    expect(daysLeftText(0)).toBe('Deleted today');
  });
});

describe('relativeTime', () => {
  const now = 1_000_000_000_000;
  it.each([
    [null, 'never'],
    [now, 'just now'],
    [now + 5000, 'just now'],
    [now - 30_000, 'just now'],
    [now - 60_000, '1 minute ago'],
    [now - 5 * 60_000, '5 minutes ago'],
    [now - 2 * 3600_000, '2 hours ago'],
    [now - 3 * DAY, '3 days ago'],
    [now - 90 * DAY, '3 months ago'],
  ])('%s → %s', (at, text) => {
    expect(relativeTime(at, now)).toBe(text);
  });
});

describe('usageBar', () => {
  it('measures each category against the quota, leaving the rest free', () => {
    const bar = usageBar({ photos: 300, videos: 200, trash: 0, versions: 100 }, 1000);
    expect(bar.segments).toEqual([
      { category: 'photos', bytes: 300, fraction: 0.3 },
      { category: 'videos', bytes: 200, fraction: 0.2 },
      { category: 'versions', bytes: 100, fraction: 0.1 },
    ]);
    expect(bar.freeFraction).toBeCloseTo(0.4);
    expect(bar.usedRatio).toBeCloseTo(0.6);
    expect(bar.full).toBe(false);
  });

  it('fills the bar, never overflows it, when over the quota', () => {
    const bar = usageBar({ photos: 900, videos: 0, trash: 600, versions: 0 }, 1000);
    expect(bar.segments.map((s) => s.fraction)).toEqual([0.6, 0.4]);
    expect(bar.freeFraction).toBe(0);
    expect(bar.usedRatio).toBe(1.5);
    expect(bar.full).toBe(true);
  });

  it('is full exactly at the quota', () => {
    expect(usageBar({ photos: 1000, videos: 0, trash: 0, versions: 0 }, 1000).full).toBe(true);
  });

  it('handles an empty library and a zero quota', () => {
    expect(usageBar({ photos: 0, videos: 0, trash: 0, versions: 0 }, 5 * GIB)).toEqual({ segments: [], freeFraction: 1, usedRatio: 0, full: false });
    const zero = usageBar({ photos: 0, videos: 0, trash: 0, versions: 0 }, 0);
    expect(zero.segments).toEqual([]);
    expect(zero.freeFraction).toBe(0);
  });
});

describe('small labels', () => {
  it('names plans', () => {
    expect(planLabel('free')).toBe('Free');
    expect(planLabel('50gb')).toBe('50 GB');
    expect(planLabel('2tb')).toBe('2 TB');
    expect(planLabel('family')).toBe('family');
  });

  it('counts items', () => {
    expect(itemCount(0)).toBe('0 items');
    expect(itemCount(1)).toBe('1 item');
    expect(itemCount(12)).toBe('12 items');
  });
});

describe('cameraLabel', () => {
  it('does not repeat the maker when the model already names it', () => {
    expect(cameraLabel('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraLabel('NIKON CORPORATION', 'NIKON Z 6_2')).toBe('NIKON Z 6_2');
    expect(cameraLabel('samsung', 'SM-S918B')).toBe('samsung SM-S918B');
    expect(cameraLabel('Apple', 'iPhone 15 Pro')).toBe('Apple iPhone 15 Pro');
  });

  it('shows whichever part is known', () => {
    expect(cameraLabel(null, 'X-T5')).toBe('X-T5');
    expect(cameraLabel('FUJIFILM', '')).toBe('FUJIFILM');
    expect(cameraLabel(null, null)).toBe('');
  });
});
