import {
  MediaPoke,
  ROUTES,
  type JournalEntry,
  type TimelineAsset,
  type TimelineBucketResponse,
  type TimelineBucketsResponse,
} from '@skyroll/protocol';
import { api, ApiError } from '../api.js';
import { liveEvents } from '../live/events.js';
import { journalFollower, type LibraryChanges } from '../live/journal.js';
import { bucketOf, filterQuery, type TimelineFilter } from './timeline-filter.js';

export interface BucketState {
  bucket: string;
  count: number;
  /** The month's assets, newest first; null until fetched. */
  assets: TimelineAsset[] | null;
  /** Changed on the server since it was fetched: fetched again when next in view. */
  stale: boolean;
}

export interface TimelineSnapshot {
  /** Null until the months are known. */
  buckets: BucketState[] | null;
  total: number;
  error: string | null;
}

const MAX_PARALLEL_FETCHES = 3;
/** Wanted months are fetched after the scroll settles this long, so a fast fling loads little. */
const WANT_SETTLE_MS = 60;
/** Media pokes kept for months being fetched meanwhile (their answer may predate the poke). */
const REMEMBERED_MEDIA = 500;

type MediaPatch = Omit<MediaPoke, 'assetIds'>;

/**
 * The data behind one timeline: the months and their counts (always), and the assets of the
 * months that came near the viewport (fetched on demand, kept). Follows the journal: a change
 * refetches the month list and the loaded months the change touched; a `media` poke patches the
 * assets whose thumbnail was just made (or given up on). Outside React; components read it
 * through useSyncExternalStore.
 */
export class TimelineStore {
  private snapshot: TimelineSnapshot = { buckets: null, total: 0, error: null };
  private readonly listeners = new Set<() => void>();
  private readonly query: string;
  private readonly fetching = new Set<string>();
  /** Bumped per refetch of a month, so an older answer arriving late is dropped. */
  private readonly generations = new Map<string, number>();
  /** Which loaded month holds an asset, to find the month of a trashed or moved one. */
  private bucketById = new Map<string, string>();
  private wanted: string[] = [];
  private wantTimer: ReturnType<typeof setTimeout> | undefined;
  private stopFollowing: (() => void) | null = null;
  private stopMedia: (() => void) | null = null;
  /** The latest media poke per asset id, oldest first, to patch a month fetched after it. */
  private readonly recentMedia = new Map<string, MediaPatch>();
  private stopped = false;

  constructor(readonly filter: TimelineFilter) {
    this.query = filterQuery(filter);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TimelineSnapshot => this.snapshot;

  start(): void {
    this.stopped = false;
    this.stopFollowing = journalFollower.subscribe((changes) => this.onChanges(changes));
    this.stopMedia = liveEvents.subscribe('media', (data) => {
      const poke = MediaPoke.safeParse(data);
      // A poke without ids may come with nothing else (pokes missed while disconnected).
      this.applyMedia(poke.success ? poke.data : { media: 'pending', thumbhash: null, durationMs: null });
    });
    void this.fetchBuckets();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.wantTimer);
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.stopMedia?.();
    this.stopMedia = null;
  }

  /** The months now near the viewport, nearest first: fetched if not loaded (or stale). */
  want(buckets: string[]): void {
    this.wanted = buckets;
    clearTimeout(this.wantTimer);
    this.wantTimer = setTimeout(() => this.pump(), WANT_SETTLE_MS);
  }

  /** Reloads everything shown (after a change made by this tab, when no poke is awaited). */
  refresh(): void {
    this.onChanges('reset');
  }

  /** The loaded assets in display order (for the viewer's previous / next). */
  loadedAssets(): TimelineAsset[] {
    return (this.snapshot.buckets ?? []).flatMap((b) => b.assets ?? []);
  }

  find(id: string): TimelineAsset | undefined {
    const bucket = this.bucketById.get(id);
    return this.snapshot.buckets?.find((b) => b.bucket === bucket)?.assets?.find((a) => a.id === id);
  }

  /**
   * The asset before (-1) or after (+1) `id` in the timeline; `loading` while the neighbouring
   * month is being fetched, null at either end.
   */
  adjacent(id: string, direction: -1 | 1): TimelineAsset | 'loading' | null {
    const buckets = this.snapshot.buckets ?? [];
    const b = buckets.findIndex((x) => x.bucket === this.bucketById.get(id));
    if (b < 0) return null;
    const assets = buckets[b].assets ?? [];
    const i = assets.findIndex((a) => a.id === id);
    const inMonth = assets[i + direction];
    if (inMonth) return inMonth;
    const next = buckets[b + direction];
    if (!next) return null;
    if (!next.assets) {
      this.want([next.bucket]);
      return 'loading';
    }
    return direction === 1 ? (next.assets[0] ?? null) : (next.assets[next.assets.length - 1] ?? null);
  }

  /** Makes sure the month of an asset opened directly (a link to /photo/ID) gets loaded. */
  ensureLoaded(sortAt: number): void {
    const bucket = bucketOf(sortAt);
    const state = this.snapshot.buckets?.find((b) => b.bucket === bucket);
    if (state && !state.assets) this.want([bucket, ...this.wanted]);
  }

  /** Shows a change made here at once; the journal confirms it (or corrects it) shortly after. */
  patchAssets(ids: readonly string[], patch: Partial<Pick<TimelineAsset, 'favorite'>>): void {
    const set = new Set(ids);
    this.update((buckets) =>
      buckets.map((b) =>
        b.assets?.some((a) => set.has(a.id)) ? { ...b, assets: b.assets.map((a) => (set.has(a.id) ? { ...a, ...patch } : a)) } : b,
      ),
    );
  }

  /**
   * An original's thumbnail and preview were made or given up on: the loaded assets showing it
   * take the new state at once (a tile then loads its thumbnail, or says it cannot show it).
   * Without ids (too many to list, or pokes missed), the loaded months holding a pending asset
   * are read again when next in view.
   */
  applyMedia(poke: MediaPoke): void {
    if (this.stopped) return;
    if (!poke.assetIds) {
      this.update((buckets) => buckets.map((b) => (b.assets?.some((a) => a.media === 'pending') ? { ...b, stale: true } : b)));
      this.pump();
      return;
    }
    const { assetIds, ...patch } = poke;
    for (const id of assetIds) {
      this.recentMedia.delete(id);
      this.recentMedia.set(id, patch);
    }
    for (const id of this.recentMedia.keys()) {
      if (this.recentMedia.size <= REMEMBERED_MEDIA) break;
      this.recentMedia.delete(id);
    }
    const set = new Set(assetIds.filter((id) => this.bucketById.has(id)));
    if (set.size === 0) return;
    this.update((buckets) =>
      buckets.map((b) => (b.assets?.some((a) => set.has(a.id)) ? { ...b, assets: b.assets.map((a) => (set.has(a.id) ? withMedia(a, patch) : a)) } : b)),
    );
  }

  /** Takes assets off this timeline at once (trashed, or hidden from the main timeline). */
  removeAssets(ids: readonly string[]): void {
    const set = new Set(ids);
    let removed = 0;
    this.update((buckets) =>
      buckets
        .map((b) => {
          if (!b.assets?.some((a) => set.has(a.id))) return b;
          const assets = b.assets.filter((a) => !set.has(a.id));
          removed += b.assets.length - assets.length;
          return { ...b, assets, count: assets.length };
        })
        .filter((b) => b.count > 0),
    );
    this.snapshot = { ...this.snapshot, total: Math.max(0, this.snapshot.total - removed) };
    this.emit();
  }

  private onChanges(changes: LibraryChanges): void {
    if (this.stopped) return;
    const touched = changes === 'reset' ? null : this.touchedBuckets(changes.entries);
    this.update((buckets) => buckets.map((b) => (b.assets && (touched === null || touched.has(b.bucket)) ? { ...b, stale: true } : b)));
    void this.fetchBuckets().then(() => this.pump());
  }

  /** The months an entry may have changed: where the asset is now, and where it was shown. */
  private touchedBuckets(entries: JournalEntry[]): Set<string> {
    const touched = new Set<string>();
    for (const entry of entries) {
      if (entry.asset) touched.add(bucketOf(entry.asset.takenAt ?? entry.asset.createdAt));
      const shownIn = entry.assetId ? this.bucketById.get(entry.assetId) : undefined;
      if (shownIn) touched.add(shownIn);
      // An album renamed or deleted: an album timeline reloads what it shows.
      if (entry.album && entry.album.id === this.filter.albumId) for (const b of this.bucketById.values()) touched.add(b);
    }
    return touched;
  }

  private async fetchBuckets(): Promise<void> {
    try {
      const response = await api<TimelineBucketsResponse>('GET', `${ROUTES.timelineBuckets}?${this.query}`);
      if (this.stopped) return;
      const previous = new Map((this.snapshot.buckets ?? []).map((b) => [b.bucket, b]));
      const buckets = response.buckets.map(({ bucket, count }): BucketState => {
        const old = previous.get(bucket);
        if (!old) return { bucket, count, assets: null, stale: false };
        // A month whose count moved changed, whatever the journal said.
        return { ...old, count, stale: old.stale || (old.assets !== null && old.assets.length !== count) };
      });
      const before = this.snapshot.buckets ?? [];
      this.snapshot = { buckets, total: response.total, error: null };
      this.reindex(before);
      this.emit();
    } catch (err) {
      if (this.stopped) return;
      this.snapshot = { ...this.snapshot, error: err instanceof ApiError ? err.message : String(err) };
      this.emit();
    }
  }

  /** Starts the wanted fetches, nearest first, a few at a time. */
  private pump(): void {
    if (this.stopped || !this.snapshot.buckets) return;
    const byKey = new Map(this.snapshot.buckets.map((b) => [b.bucket, b]));
    for (const bucket of this.wanted) {
      if (this.fetching.size >= MAX_PARALLEL_FETCHES) return;
      const state = byKey.get(bucket);
      if (!state || this.fetching.has(bucket) || (state.assets && !state.stale)) continue;
      void this.fetchBucket(bucket);
    }
  }

  private async fetchBucket(bucket: string): Promise<void> {
    const generation = (this.generations.get(bucket) ?? 0) + 1;
    this.generations.set(bucket, generation);
    this.fetching.add(bucket);
    try {
      const response = await api<TimelineBucketResponse>('GET', `${ROUTES.timelineBucket}?${this.query}${this.query ? '&' : ''}bucket=${bucket}`);
      if (this.stopped || this.generations.get(bucket) !== generation) return;
      const assets = response.assets.map((a) => {
        const heard = a.media === 'pending' ? this.recentMedia.get(a.id) : undefined;
        return heard ? withMedia(a, heard) : a;
      });
      this.update((buckets) =>
        buckets
          .map((b) => (b.bucket === bucket ? { ...b, assets, count: assets.length, stale: false } : b))
          .filter((b) => b.count > 0),
      );
    } catch (err) {
      if (!this.stopped) this.snapshot = { ...this.snapshot, error: err instanceof ApiError ? err.message : String(err) };
      this.emit();
    } finally {
      this.fetching.delete(bucket);
      setTimeout(() => this.pump(), 0);
    }
  }

  private update(change: (buckets: BucketState[]) => BucketState[]): void {
    if (!this.snapshot.buckets) return;
    const before = this.snapshot.buckets;
    this.snapshot = { ...this.snapshot, buckets: change(before) };
    this.reindex(before);
    this.emit();
  }

  /** Re-reads the asset → month index for the months whose assets changed (not all 100,000). */
  private reindex(before: readonly BucketState[]): void {
    const after = this.snapshot.buckets ?? [];
    const old = new Map(before.map((b) => [b.bucket, b.assets]));
    const now = new Map(after.map((b) => [b.bucket, b.assets]));
    for (const [bucket, assets] of old) {
      if (assets && now.get(bucket) !== assets) for (const a of assets) if (this.bucketById.get(a.id) === bucket) this.bucketById.delete(a.id);
    }
    for (const [bucket, assets] of now) {
      if (assets && old.get(bucket) !== assets) for (const a of assets) this.bucketById.set(a.id, bucket);
    }
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The asset as a media poke says it is now (a video's duration comes with its poster). */
function withMedia(asset: TimelineAsset, patch: MediaPatch): TimelineAsset {
  return { ...asset, media: patch.media, thumbhash: patch.thumbhash, durationMs: patch.durationMs ?? asset.durationMs };
}
