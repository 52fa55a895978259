import type { TimelineAsset } from '@skyroll/protocol';
import { aspectRatioOf, justifiedLayout } from './justified-layout.js';
import type { BucketState } from './timeline-store.js';

export interface LayoutConfig {
  width: number;
  targetRowHeight: number;
  gap: number;
  monthHeaderHeight: number;
  dayHeaderHeight: number;
}

export interface PlacedTile {
  asset: TimelineAsset;
  left: number;
  width: number;
}

interface ItemBase {
  key: string;
  bucket: string;
  top: number;
  height: number;
}
export type TimelineItem =
  | (ItemBase & { kind: 'month'; label: string })
  | (ItemBase & { kind: 'day'; label: string })
  /** `height` includes the gap under the row; `tileHeight` does not. */
  | (ItemBase & { kind: 'row'; tiles: PlacedTile[]; tileHeight: number })
  /** A month not fetched yet, as tall as its count suggests. */
  | (ItemBase & { kind: 'placeholder'; count: number });

export interface TimelineLayout {
  items: TimelineItem[];
  height: number;
}

/** Phones get smaller rows: about three photos across instead of six. */
export function layoutConfig(width: number): LayoutConfig {
  const phone = width <= 640;
  return {
    width,
    targetRowHeight: phone ? 110 : 200,
    gap: phone ? 2 : 4,
    monthHeaderHeight: phone ? 48 : 60,
    dayHeaderHeight: phone ? 34 : 40,
  };
}

/**
 * The whole scroll height of a timeline as a flat list of positioned items: a header per month,
 * and per loaded month its days, each a header and justified rows. Months not loaded yet take the
 * height their counts suggest, so the scrollbar (and the scrubber) span the whole library from
 * the start. Pure; a loaded month's section is cached on its asset array and the width.
 */
export function buildTimelineLayout(buckets: readonly BucketState[], config: LayoutConfig): TimelineLayout {
  const items: TimelineItem[] = [];
  let top = 0;
  for (const state of buckets) {
    items.push({ kind: 'month', key: `m:${state.bucket}`, bucket: state.bucket, top, height: config.monthHeaderHeight, label: monthLabel(state.bucket) });
    top += config.monthHeaderHeight;
    if (!state.assets) {
      const height = estimateMonthHeight(state.count, config);
      items.push({ kind: 'placeholder', key: `p:${state.bucket}`, bucket: state.bucket, top, height, count: state.count });
      top += height;
      continue;
    }
    const section = monthSection(state.bucket, state.assets, config);
    for (const item of section.items) items.push({ ...item, top: top + item.top });
    top += section.height;
  }
  return { items, height: top };
}

/** Rows of an average mix of 4:3 and 3:4, plus a day header every few rows. */
export function estimateMonthHeight(count: number, config: LayoutConfig): number {
  const averageWidth = config.targetRowHeight * 1.2 + config.gap;
  const perRow = Math.max(1, Math.floor((config.width + config.gap) / averageWidth));
  const rows = Math.ceil(count / perRow);
  const days = Math.max(1, Math.min(count, Math.ceil(rows / 2)));
  return rows * (config.targetRowHeight + config.gap) + days * config.dayHeaderHeight;
}

const sectionCache = new WeakMap<readonly TimelineAsset[], { key: string; section: TimelineLayout }>();

function monthSection(bucket: string, assets: readonly TimelineAsset[], config: LayoutConfig): TimelineLayout {
  const cacheKey = `${config.width}:${config.targetRowHeight}`;
  const cached = sectionCache.get(assets);
  if (cached?.key === cacheKey) return cached.section;
  const items: TimelineItem[] = [];
  let top = 0;
  for (const day of groupByDay(assets)) {
    items.push({ kind: 'day', key: `d:${bucket}:${day.day}`, bucket, top, height: config.dayHeaderHeight, label: dayLabel(day.day) });
    top += config.dayHeaderHeight;
    const layout = justifiedLayout(
      day.assets.map((a) => aspectRatioOf(a.width, a.height)),
      { containerWidth: config.width, targetRowHeight: config.targetRowHeight, gap: config.gap },
    );
    layout.rows.forEach((row, r) => {
      items.push({
        kind: 'row',
        key: `r:${bucket}:${day.day}:${r}`,
        bucket,
        top: top + row.top,
        height: row.height + config.gap,
        tileHeight: row.height,
        tiles: row.boxes.map((box) => ({ asset: day.assets[box.index], left: box.left, width: box.width })),
      });
    });
    top += layout.height + config.gap;
  }
  const section = { items, height: top };
  sectionCache.set(assets, { key: cacheKey, section });
  return section;
}

/** Days in UTC, as the server's months are: a day never straddles two months. */
export function groupByDay(assets: readonly TimelineAsset[]): { day: string; assets: TimelineAsset[] }[] {
  const days: { day: string; assets: TimelineAsset[] }[] = [];
  for (const asset of assets) {
    const day = new Date(asset.sortAt).toISOString().slice(0, 10);
    const last = days[days.length - 1];
    if (last?.day === day) last.assets.push(asset);
    else days.push({ day, assets: [asset] });
  }
  return days;
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

export function monthLabel(bucket: string): string {
  return monthFormat.format(new Date(`${bucket}-01T00:00:00Z`));
}

function dayLabel(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}
