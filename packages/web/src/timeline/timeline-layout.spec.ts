import type { TimelineAsset } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { buildTimelineLayout, estimateMonthHeight, groupByDay, layoutConfig } from './timeline-layout.js';

function asset(id: number, sortAt: string): TimelineAsset {
  return {
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    sortAt: Date.parse(sortAt),
    type: 'photo',
    width: 4000,
    height: 3000,
    favorite: false,
    thumbhash: null,
    durationMs: null,
    media: 'ready',
  };
}

describe('buildTimelineLayout', () => {
  const config = layoutConfig(1000);

  it('spans the whole library from the counts before any month is loaded', () => {
    const layout = buildTimelineLayout(
      [
        { bucket: '2026-11', count: 120, assets: null, stale: false },
        { bucket: '2026-10', count: 3, assets: null, stale: false },
      ],
      config,
    );
    expect(layout.items.map((i) => i.kind)).toEqual(['month', 'placeholder', 'month', 'placeholder']);
    expect(layout.height).toBe(2 * config.monthHeaderHeight + estimateMonthHeight(120, config) + estimateMonthHeight(3, config));
    expect(estimateMonthHeight(120, config)).toBeGreaterThan(estimateMonthHeight(3, config));
  });

  it('lays a loaded month out as days of justified rows, items back to back', () => {
    const assets = [asset(1, '2026-11-03T18:00:00Z'), asset(2, '2026-11-03T09:00:00Z'), asset(3, '2026-11-01T12:00:00Z')];
    const layout = buildTimelineLayout(
      [
        { bucket: '2026-11', count: 3, assets, stale: false },
        { bucket: '2026-10', count: 7, assets: null, stale: false },
      ],
      config,
    );
    expect(layout.items.map((i) => i.kind)).toEqual(['month', 'day', 'row', 'day', 'row', 'month', 'placeholder']);
    for (let i = 1; i < layout.items.length; i++) {
      const prev = layout.items[i - 1];
      expect(layout.items[i].top).toBeCloseTo(prev.top + prev.height);
    }
    const rows = layout.items.filter((i) => i.kind === 'row');
    expect(rows.flatMap((r) => r.tiles.map((t) => t.asset.id))).toEqual(assets.map((a) => a.id));
    expect(new Set(layout.items.map((i) => i.key)).size).toBe(layout.items.length);
  });
});

describe('groupByDay', () => {
  it('groups consecutive assets of one UTC day, keeping their order', () => {
    const days = groupByDay([asset(1, '2026-11-03T23:59:00Z'), asset(2, '2026-11-03T00:00:00Z'), asset(3, '2026-11-02T23:00:00Z')]);
    expect(days.map((d) => [d.day, d.assets.length])).toEqual([
      ['2026-11-03', 2],
      ['2026-11-02', 1],
    ]);
  });
});
