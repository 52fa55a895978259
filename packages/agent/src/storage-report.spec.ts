import { describe, expect, it } from 'vitest';
import { formatStorage, usageBar } from './storage-report.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe('usageBar', () => {
  it.each([
    [0, 100, '[..........]'],
    [50, 100, '[#####.....]'],
    [100, 100, '[##########]'],
    [150, 100, '[##########]'],
    [5, 0, '[##########]'],
  ])('%d of %d', (used, quota, bar) => {
    expect(usageBar(used, quota, 10)).toBe(bar);
  });
});

describe('formatStorage', () => {
  it('prints usage, the breakdown by kind and by device, and the plans', () => {
    const text = formatStorage({
      plan: 'free',
      quotaBytes: 5 * GB,
      usedBytes: 4.75 * GB,
      breakdown: {
        photos: 3 * GB,
        videos: GB,
        trash: 700 * MB,
        versions: 68 * MB,
        byDevice: [
          { deviceId: 'a', name: 'phone', bytes: GB },
          { deviceId: 'b', name: 'laptop', bytes: 3 * GB },
        ],
      },
      plans: [
        { name: '50gb', quotaBytes: 50 * GB },
        { name: 'free', quotaBytes: 5 * GB },
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Cloud storage: 4.8 GB of 5.0 GB used (95%), 256 MB free — plan free');
    expect(lines[1]).toMatch(/^\[#{38}\.{2}\] 95%$/);
    expect(text).toContain('  photos                  3.0 GB');
    expect(text).toContain('  trash                   700 MB');
    expect(text.indexOf('laptop')).toBeLessThan(text.indexOf('phone'));
    expect(text).toContain('Plans: free 5.0 GB (current), 50gb 50 GB');
    expect(text).toContain('`skyroll trash empty` frees 700 MB');
  });
});
