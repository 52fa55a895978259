import { SkyrollError, type TimelineAsset, type TimelineBucketResponse, type TimelineBucketsResponse } from '@skyroll/protocol';
import type { Repositories } from '../repositories/repositories.js';
import { DAY_MS, type TimelineSelection } from '../repositories/timeline.repository.js';
import { mediaOf } from './asset.mapper.js';
import type { Auth } from './auth.service.js';

/** The timeline's filters as the query string carries them. */
export interface TimelineFilter {
  favorite?: 'true' | 'false';
  hidden?: 'true' | 'false';
  albumId?: string;
  type?: 'photo' | 'video';
}

/**
 * The library in calendar months (UTC), newest first: the counts of every month in one call, the
 * assets of one month in another, so a client never loads the whole library at once.
 */
export class TimelineService {
  /**
   * Month lists by account and filter, each valid while the account's journal head stays where it
   * was read: every change that can move a count (added, trashed, restored, purged, re-dated,
   * hidden, favorite, album membership) appends to the journal. Counting scans the whole library
   * (~0.2 s at 100,000 assets), while opening the app again, a second tab or another device's
   * browser then costs one indexed read. The head is read before the counts, so a change landing
   * in between only makes the entry look older than it is: never stale.
   */
  private readonly bucketCache = new Map<string, { head: number; response: TimelineBucketsResponse }>();

  constructor(
    private readonly repos: Repositories,
    private readonly cacheSize = 256,
  ) {}

  async buckets(auth: Auth, filter: TimelineFilter): Promise<TimelineBucketsResponse> {
    const selection = await this.selection(auth, filter);
    const key = `${auth.accountId} ${JSON.stringify(selection)}`;
    const head = await this.repos.accounts.journalHead(auth.accountId);
    const cached = this.bucketCache.get(key);
    this.bucketCache.delete(key);
    if (cached?.head === head) {
      this.bucketCache.set(key, cached);
      return cached.response;
    }
    const buckets = monthsOf(await this.repos.timeline.dayCounts(auth.accountId, selection));
    const response = { buckets, total: buckets.reduce((sum, b) => sum + b.count, 0) };
    this.bucketCache.set(key, { head, response });
    // A Map keeps insertion order and every hit re-inserts: the first key is the least recently used.
    if (this.bucketCache.size > this.cacheSize) this.bucketCache.delete(this.bucketCache.keys().next().value!);
    return response;
  }

  async bucket(auth: Auth, filter: TimelineFilter & { bucket: string }): Promise<TimelineBucketResponse> {
    const { from, to } = monthRange(filter.bucket);
    const rows = await this.repos.timeline.between(auth.accountId, await this.selection(auth, filter), from, to);
    const derivatives = await this.repos.derivatives.findForChecksums(
      auth.accountId,
      rows.map((r) => r.checksum),
    );
    const thumbnails = new Map(derivatives.filter((d) => d.kind === 'thumbnail').map((d) => [d.checksum, d]));
    const previews = new Map(derivatives.filter((d) => d.kind === 'preview').map((d) => [d.checksum, d]));
    const assets: TimelineAsset[] = rows.map((row) => {
      const thumbnail = thumbnails.get(row.checksum);
      return {
        id: row.id,
        sortAt: row.sortAt,
        type: row.type === 'video' ? 'video' : 'photo',
        width: row.width,
        height: row.height,
        favorite: row.favorite,
        thumbhash: thumbnail?.state === 'ready' ? thumbnail.thumbhash : null,
        durationMs: row.type === 'video' ? (thumbnail?.duration_ms ?? null) : null,
        media: mediaOf(thumbnail, previews.get(row.checksum)).media,
      };
    });
    return { bucket: filter.bucket, assets };
  }

  /** Hidden assets only when asked for (and then only they); an album must be a live one of the account. */
  private async selection(auth: Auth, filter: TimelineFilter): Promise<TimelineSelection> {
    if (filter.albumId !== undefined) {
      const album = await this.repos.albums.find(auth.accountId, filter.albumId);
      if (!album || album.deleted) throw new SkyrollError('NOT_FOUND');
    }
    return {
      hidden: filter.hidden === 'true',
      favorite: filter.favorite === undefined ? undefined : filter.favorite === 'true',
      albumId: filter.albumId,
      type: filter.type,
    };
  }
}

/** Day counts (newest first) folded into months, `YYYY-MM` in UTC, newest first. */
export function monthsOf(days: Array<{ day: number; count: number }>): Array<{ bucket: string; count: number }> {
  const months: Array<{ bucket: string; count: number }> = [];
  for (const { day, count } of days) {
    const bucket = new Date(day * DAY_MS).toISOString().slice(0, 7);
    const last = months.at(-1);
    if (last?.bucket === bucket) last.count += count;
    else months.push({ bucket, count });
  }
  return months;
}

/** [first ms, first ms of the next month) of `YYYY-MM`, in UTC. */
export function monthRange(bucket: string): { from: number; to: number } {
  const [year, month] = bucket.split('-').map(Number) as [number, number];
  if (month < 1 || month > 12) throw new SkyrollError('VALIDATION_FAILED', `Not a month: ${bucket}`);
  return { from: Date.UTC(year, month - 1, 1), to: Date.UTC(year, month, 1) };
}
