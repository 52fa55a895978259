/**
 * First render of a timeline page in Chromium, measured inside the page: a probe installed before
 * any script of the page runs samples every animation frame (times are `performance.now()`, i.e.
 * milliseconds since the navigation started), so the figures hold no DevTools round trips.
 */
import type { Page } from 'playwright-core';

export interface RenderTimes {
  /** Navigation start → the first `[data-testid=asset-tile]` laid out inside the viewport. */
  firstTileMs: number | null;
  /** Navigation start → the timeline's scroll area at its final height (the whole library laid out). */
  fullHeightMs: number | null;
  /** The final scroll height, px. */
  scrollHeight: number;
  /** Tiles in the DOM once settled (top of the page). */
  tilesAtTop: number;
}

export interface ScrolledTiles {
  /** Tiles in the DOM after scrolling to the middle of the timeline. */
  tiles: number;
  /** Of those, tiles inside the viewport (proof the middle actually rendered). */
  visible: number;
  /** All elements in the document. */
  elements: number;
  /** Scroll → the first tile inside the viewport at the middle (null: none within 15 s). */
  shownMs: number | null;
}

declare global {
  interface Window {
    skyrollBench?: { firstTile: number | null; heights: Array<[number, number]>; scroller: () => Element | null };
  }
}

/**
 * The probe as a script for `context.addInitScript` (it runs before the page's own scripts on
 * every navigation). The TypeScript loader wraps named functions in `__name(…)`; the page has no
 * such helper, so the script brings a no-op one.
 */
export const RENDER_PROBE_SCRIPT = `var __name = (f) => f; (${renderProbe.toString()})();`;

function renderProbe(): void {
  /**
   * What scrolls the timeline: `[data-testid=timeline]` itself, one of its children (an inner
   * scroll area), or the page. Looked for until found, then kept: the search must not cost the
   * page more than the page costs itself.
   */
  let found: Element | null = null;
  const scroller = (): Element | null => {
    if (found) return found;
    const timeline = document.querySelector('[data-testid=timeline]');
    if (!timeline) return null;
    const candidates: Element[] = [timeline];
    if (timeline.children.length <= 50) candidates.push(...Array.from(timeline.children));
    for (const el of candidates) {
      if (el.scrollHeight > el.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(el).overflowY)) return (found = el);
    }
    const page = document.scrollingElement;
    if (page && page.scrollHeight > page.clientHeight + 1) return (found = page);
    return null;
  };
  const probe: { firstTile: number | null; heights: Array<[number, number]>; scroller: () => Element | null } = { firstTile: null, heights: [], scroller };
  window.skyrollBench = probe;
  let lastHeight = -1;
  const frame = (): void => {
    const now = performance.now();
    if (probe.firstTile === null) {
      const tile = document.querySelector('[data-testid=asset-tile]');
      const box = tile?.getBoundingClientRect();
      if (box && box.width > 0 && box.height > 0 && box.top < window.innerHeight && box.bottom > 0) probe.firstTile = now;
    }
    const height = scroller()?.scrollHeight ?? -1;
    if (height !== lastHeight) {
      probe.heights.push([now, height]);
      lastHeight = height;
    }
    if (now < 60_000) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/**
 * Navigates to `url` and waits for the timeline to settle (its height unchanged for `quietMs`
 * after the first tile showed); returns the probe's figures.
 */
export async function measureFirstRender(page: Page, url: string, options: { quietMs?: number; timeoutMs?: number } = {}): Promise<RenderTimes> {
  const quietMs = options.quietMs ?? 1_500;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  await page.goto(url, { waitUntil: 'commit' });
  for (;;) {
    const state = await page.evaluate(() => {
      const p = window.skyrollBench;
      return p ? { firstTile: p.firstTile, last: p.heights[p.heights.length - 1] ?? null, now: performance.now() } : null;
    });
    if (state && state.firstTile !== null && state.last && state.now - Math.max(state.last[0], state.firstTile) >= quietMs) break;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  return page.evaluate(() => {
    const p = window.skyrollBench!;
    const final = p.heights[p.heights.length - 1];
    const full = final && final[1] > 0 ? p.heights.find(([, h]) => h === final[1]) : undefined;
    return {
      firstTileMs: p.firstTile,
      fullHeightMs: full ? full[0] : null,
      scrollHeight: final ? final[1] : 0,
      tilesAtTop: document.querySelectorAll('[data-testid=asset-tile]').length,
    };
  });
}

/**
 * Scrolls the timeline (or the page, whichever scrolls) to its middle, waits for tiles to show
 * there, and counts the tiles in the DOM once it has settled.
 */
export async function tilesAtMiddle(page: Page, settleMs = 1_500): Promise<ScrolledTiles> {
  const started = await page.evaluate(() => {
    const scroller = window.skyrollBench?.scroller();
    if (!scroller) throw new Error('nothing scrolls the timeline');
    scroller.scrollTop = Math.floor((scroller.scrollHeight - scroller.clientHeight) / 2);
    return performance.now();
  });
  const visibleTiles = () =>
    page.evaluate(() => {
      const tiles = [...document.querySelectorAll('[data-testid=asset-tile]')];
      const visible = tiles.filter((t) => {
        const r = t.getBoundingClientRect();
        return r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
      }).length;
      return { tiles: tiles.length, visible, elements: document.getElementsByTagName('*').length, now: performance.now() };
    });
  let shownMs: number | null = null;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { visible, now } = await visibleTiles();
    if (visible > 0) {
      shownMs = now - started;
      break;
    }
    await page.waitForTimeout(25);
  }
  await page.waitForTimeout(settleMs);
  const { tiles, visible, elements } = await visibleTiles();
  return { tiles, visible, elements, shownMs };
}

/**
 * The reference: `count` tiles of the same size in one static page, no virtualisation, no
 * scripts: what the browser alone takes to parse and lay out that many tiles. Rows of tiles
 * `tilePx` high, grouped under month headers as the timeline is.
 */
export function staticTimelineHtml(months: Array<{ bucket: string; count: number }>, tilePx = 180): string {
  const parts: string[] = [
    '<!doctype html><html><head><meta charset="utf-8"><style>',
    'body{margin:0;font:14px sans-serif}',
    `.g{display:flex;flex-wrap:wrap;gap:2px}.t{width:${tilePx}px;height:${tilePx}px;background:#8a9}h2{margin:16px 8px}`,
    '</style></head><body><div data-testid="timeline">',
  ];
  let n = 0;
  for (const m of months) {
    parts.push(`<h2>${m.bucket}</h2><div class="g">`);
    for (let i = 0; i < m.count; i++) parts.push(`<div class="t" data-testid="asset-tile" data-asset-id="${n++}"></div>`);
    parts.push('</div>');
  }
  parts.push('</div></body></html>');
  return parts.join('');
}
