import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode, type RefObject } from 'react';
import { useLocation } from 'wouter';
import { openViewer, viewerAssetId } from '../viewer/viewer-navigation';
import { setActiveTimeline, getActiveTimeline } from './active-timeline';
import { AssetTile } from './AssetTile';
import { Scrubber } from './Scrubber';
import { SelectionBar } from './SelectionBar';
import { buildTimelineLayout, layoutConfig, type TimelineItem, type TimelineLayout } from './timeline-layout';
import { filterQuery, type TimelineFilter } from './timeline-filter';
import { TimelineStore } from './timeline-store';
import './timeline.css';

export type { TimelineFilter } from './timeline-filter';

export interface TimelineProps {
  filter: TimelineFilter;
  /** Shown when nothing matches the filter. */
  emptyText?: ReactNode;
}

/** Months within this many viewport heights of the screen are fetched ahead of being seen. */
const PREFETCH_VIEWPORTS = 1;

/**
 * The library (or the part the filter selects) as one long, virtualised, justified grid grouped
 * by month and day. The month list comes first and sets the whole scroll height; each month's
 * assets are fetched as it nears the viewport; only the rows on screen are in the DOM.
 */
export function Timeline({ filter, emptyText = 'No photos or videos yet.' }: TimelineProps) {
  const filterKey = filterQuery(filter);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const store = useMemo(() => new TimelineStore(filter), [filterKey]);
  useEffect(() => {
    store.start();
    setActiveTimeline(store);
    return () => {
      store.stop();
      if (getActiveTimeline() === store) setActiveTimeline(null);
    };
  }, [store]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);

  const scrollRef = useRef<HTMLDivElement>(null);
  const size = useContentSize(scrollRef);
  const layout = useMemo(() => buildTimelineLayout(snapshot.buckets ?? [], layoutConfig(size.width)), [snapshot.buckets, size.width]);
  const { items } = layout;

  const estimateSize = useCallback((i: number) => items[i].height, [items]);
  const getItemKey = useCallback((i: number) => items[i].key, [items]);
  const virtualizer = useVirtualizer({
    count: size.width > 0 ? items.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 3,
  });

  useScrollAnchor(scrollRef, layout);

  const scrollTop = virtualizer.scrollOffset ?? 0;
  useEffect(() => {
    if (size.height > 0) store.want(bucketsNear(items, scrollTop, size.height));
  }, [store, items, scrollTop, size.height]);

  const selection = useSelection(store);
  const [location, navigate] = useLocation();
  const onOpen = useCallback((id: string) => openViewer(navigate, id), [navigate]);

  useEffect(() => {
    if (selection.ids.length === 0) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && viewerAssetId(window.location.pathname) === null) selection.clear();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selection, location]);

  const known = snapshot.buckets !== null;
  return (
    <div className="timeline" data-testid="timeline" data-total={known ? snapshot.total : undefined}>
      {selection.ids.length > 0 && <SelectionBar ids={selection.ids} store={store} onClear={selection.clear} />}
      {snapshot.error && (
        <div className="timeline-error" role="alert">
          {snapshot.error}
        </div>
      )}
      <div ref={scrollRef} className="timeline-scroll">
        {!known && !snapshot.error && <div className="timeline-loading" aria-busy="true" />}
        {known && snapshot.total === 0 && (
          <div className="timeline-empty" data-testid="timeline-empty">
            {emptyText}
          </div>
        )}
        <div className="timeline-canvas" style={{ height: layout.height }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index];
            return item ? (
              <TimelineRow key={item.key} item={item} selected={selection.set} selecting={selection.ids.length > 0} onOpen={onOpen} onToggleSelect={selection.toggle} />
            ) : null;
          })}
        </div>
      </div>
      <Scrubber items={items} height={layout.height} viewportHeight={size.height} onScrollTo={(top) => scrollRef.current?.scrollTo({ top })} />
    </div>
  );
}

function TimelineRow({
  item,
  selected,
  selecting,
  onOpen,
  onToggleSelect,
}: {
  item: TimelineItem;
  selected: ReadonlySet<string>;
  selecting: boolean;
  onOpen: (id: string) => void;
  onToggleSelect: (id: string, range: boolean) => void;
}) {
  const style = { top: item.top, height: item.height };
  switch (item.kind) {
    case 'month':
      return (
        <h2 className="timeline-item month-header" style={style} data-testid="bucket-header" data-bucket={item.bucket}>
          {item.label}
        </h2>
      );
    case 'day':
      return (
        <h3 className="timeline-item day-header" style={style} data-testid="day-header">
          {item.label}
        </h3>
      );
    case 'placeholder':
      return <div className="timeline-item month-placeholder" style={style} aria-busy="true" />;
    case 'row':
      return (
        <div className="timeline-item timeline-row" style={style}>
          {item.tiles.map((tile) => (
            <AssetTile
              key={tile.asset.id}
              asset={tile.asset}
              left={tile.left}
              width={tile.width}
              height={item.tileHeight}
              selected={selected.has(tile.asset.id)}
              selecting={selecting}
              onOpen={onOpen}
              onToggleSelect={onToggleSelect}
            />
          ))}
        </div>
      );
  }
}

/** The scroll element's inner size (without its padding), followed as the window resizes. */
function useContentSize(ref: RefObject<HTMLDivElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const style = getComputedStyle(el);
      const width = Math.floor(el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
      setSize((old) => (old.width === width && old.height === el.clientHeight ? old : { width, height: el.clientHeight }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/**
 * When months above the viewport load (their real height replacing the estimate) or the layout
 * changes, the content under the viewport's top edge stays where it was instead of jumping.
 */
function useScrollAnchor(ref: RefObject<HTMLDivElement | null>, layout: TimelineLayout): void {
  const previous = useRef<TimelineLayout | null>(null);
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = layout;
    const el = ref.current;
    if (!before || !el || el.scrollTop <= 0) return;
    const scrollTop = el.scrollTop;
    const anchor = itemAt(before.items, scrollTop);
    if (!anchor) return;
    const after = new Map(layout.items.map((i) => [i.key, i]));
    let target: number | undefined;
    const same = after.get(anchor.key);
    if (same) target = same.top + (scrollTop - anchor.top);
    else {
      const oldHeader = before.items.find((i) => i.key === `m:${anchor.bucket}`);
      const newHeader = after.get(`m:${anchor.bucket}`);
      if (oldHeader && newHeader) target = newHeader.top + (scrollTop - oldHeader.top);
    }
    if (target !== undefined && Math.abs(target - scrollTop) >= 1) el.scrollTop = target;
  }, [ref, layout]);
}

function itemAt(items: readonly TimelineItem[], top: number): TimelineItem | undefined {
  const item = items[firstEndingAfter(items, top)];
  return item && item.top <= top ? item : undefined;
}

/** The index of the first item whose bottom is below `top` (binary search: items are in order). */
function firstEndingAfter(items: readonly TimelineItem[], top: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].top + items[mid].height <= top) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The months on screen and near it, the ones on screen first. */
function bucketsNear(items: readonly TimelineItem[], scrollTop: number, viewportHeight: number): string[] {
  const visible: string[] = [];
  const near: string[] = [];
  const margin = viewportHeight * PREFETCH_VIEWPORTS;
  for (let i = firstEndingAfter(items, scrollTop - margin); i < items.length; i++) {
    const item = items[i];
    if (item.top > scrollTop + viewportHeight + margin) break;
    const onScreen = item.top < scrollTop + viewportHeight && item.top + item.height > scrollTop;
    const list = onScreen ? visible : near;
    if (!list.includes(item.bucket)) list.push(item.bucket);
  }
  return [...visible, ...near.filter((b) => !visible.includes(b))];
}

/** Selected assets; shift-click selects the range from the last one clicked. */
function useSelection(store: TimelineStore) {
  const [set, setSet] = useState<ReadonlySet<string>>(() => new Set());
  const last = useRef<string | null>(null);
  const toggle = useCallback(
    (id: string, range: boolean) => {
      setSet((current) => {
        const next = new Set(current);
        if (range && last.current) {
          const order = store.loadedAssets().map((a) => a.id);
          const [a, b] = [order.indexOf(last.current), order.indexOf(id)].sort((x, y) => x - y);
          if (a >= 0) for (const between of order.slice(a, b + 1)) next.add(between);
        } else if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
      last.current = id;
    },
    [store],
  );
  const clear = useCallback(() => setSet(new Set()), []);
  return useMemo(() => ({ set, ids: [...set], toggle, clear }), [set, toggle, clear]);
}
