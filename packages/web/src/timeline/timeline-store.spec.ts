import type { TimelineAsset } from '@skyroll/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimelineStore } from './timeline-store.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const asset = (n: number, sortAt: string): TimelineAsset => ({
  id: id(n),
  sortAt: Date.parse(sortAt),
  type: 'photo',
  width: 4,
  height: 3,
  favorite: false,
  thumbhash: null,
  durationMs: null,
  media: 'pending',
});
const MONTHS: Record<string, TimelineAsset[]> = {
  '2026-02': [asset(1, '2026-02-10T00:00:00Z'), asset(2, '2026-02-01T00:00:00Z')],
  '2026-01': [asset(3, '2026-01-05T00:00:00Z')],
};

/** The timeline API, as the server answers it (only the HTTP layer is stood in for). */
function fakeServer(): string[] {
  const requests: string[] = [];
  vi.stubGlobal('fetch', async (input: string) => {
    const url = new URL(input, 'http://skyroll.test');
    requests.push(`${url.pathname}${url.search}`);
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
    if (url.pathname === '/api/timeline/buckets') {
      return json({ buckets: Object.entries(MONTHS).map(([bucket, a]) => ({ bucket, count: a.length })), total: 3 });
    }
    if (url.pathname === '/api/timeline/bucket') return json({ bucket: url.searchParams.get('bucket'), assets: MONTHS[url.searchParams.get('bucket')!] });
    if (url.pathname === '/api/journal') return json({ entries: [], cursor: 0, more: false, head: 0 });
    return new Response('{}', { status: 404 });
  });
  return requests;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 120));

describe('TimelineStore', () => {
  let store: TimelineStore;
  let requests: string[];
  beforeEach(() => {
    requests = fakeServer();
    store = new TimelineStore({ favorite: true });
  });
  afterEach(() => {
    store.stop();
    vi.unstubAllGlobals();
  });

  it('knows the months first, and fetches a month only once it is wanted', async () => {
    store.start();
    await settle();
    expect(store.getSnapshot().buckets?.map((b) => [b.bucket, b.count, b.assets])).toEqual([
      ['2026-02', 2, null],
      ['2026-01', 1, null],
    ]);
    expect(requests).toContain('/api/timeline/buckets?favorite=true');
    store.want(['2026-02']);
    await settle();
    expect(requests).toContain('/api/timeline/bucket?favorite=true&bucket=2026-02');
    expect(requests.some((r) => r.includes('bucket=2026-01'))).toBe(false);
    expect(store.loadedAssets().map((a) => a.id)).toEqual([id(1), id(2)]);
  });

  it('steps across months for the viewer, fetching the next month when needed', async () => {
    store.start();
    await settle();
    store.want(['2026-02']);
    await settle();
    expect((store.adjacent(id(1), 1) as TimelineAsset).id).toBe(id(2));
    expect(store.adjacent(id(1), -1)).toBeNull();
    expect(store.adjacent(id(2), 1)).toBe('loading');
    await settle();
    expect((store.adjacent(id(2), 1) as TimelineAsset).id).toBe(id(3));
    expect((store.adjacent(id(3), -1) as TimelineAsset).id).toBe(id(2));
  });

  it('takes removed assets off at once, and a month left empty with them', async () => {
    store.start();
    await settle();
    store.want(['2026-02', '2026-01']);
    await settle();
    store.removeAssets([id(3)]);
    expect(store.getSnapshot().buckets?.map((b) => b.bucket)).toEqual(['2026-02']);
    expect(store.getSnapshot().total).toBe(2);
    expect(store.find(id(3))).toBeUndefined();
    expect(store.adjacent(id(2), 1)).toBeNull();
    store.patchAssets([id(1)], { favorite: true });
    expect(store.find(id(1))?.favorite).toBe(true);
  });

  it('patches the loaded assets a media poke names, and only them', async () => {
    store.start();
    await settle();
    store.want(['2026-02']);
    await settle();
    const seen: string[] = [];
    store.subscribe(() => seen.push('change'));
    store.applyMedia({ assetIds: [id(1)], media: 'ready', thumbhash: 'AAAA', durationMs: null });
    expect(store.find(id(1))).toMatchObject({ media: 'ready', thumbhash: 'AAAA', favorite: false });
    expect(store.find(id(2))).toMatchObject({ media: 'pending', thumbhash: null });
    store.applyMedia({ assetIds: [id(2)], media: 'failed', thumbhash: null, durationMs: null });
    expect(store.find(id(2))?.media).toBe('failed');
    expect(seen).toEqual(['change', 'change']);
    // An asset no loaded month shows changes nothing, and asks for nothing.
    const before = requests.length;
    store.applyMedia({ assetIds: [id(99)], media: 'ready', thumbhash: 'BBBB', durationMs: null });
    expect(seen).toHaveLength(2);
    await settle();
    expect(requests.length).toBe(before);
  });

  it('keeps a poke heard before its month was fetched, over the older answer', async () => {
    store.start();
    await settle();
    store.applyMedia({ assetIds: [id(3)], media: 'ready', thumbhash: 'CCCC', durationMs: null });
    store.want(['2026-01']);
    await settle();
    expect(store.find(id(3))).toMatchObject({ media: 'ready', thumbhash: 'CCCC' });
  });

  it('reads again the months in view holding a pending asset on a poke without ids', async () => {
    store.start();
    await settle();
    store.want(['2026-02', '2026-01']);
    await settle();
    store.applyMedia({ assetIds: [id(3)], media: 'ready', thumbhash: 'DDDD', durationMs: null });
    const before = requests.length;
    store.applyMedia({ media: 'ready', thumbhash: null, durationMs: null });
    await settle();
    // 2026-01 has nothing pending left; 2026-02 does.
    expect(requests.slice(before)).toEqual(['/api/timeline/bucket?favorite=true&bucket=2026-02']);
  });
});
