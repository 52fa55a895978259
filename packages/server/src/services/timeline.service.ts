import { SkyrollError, type TimelineAsset, type TimelineBucketResponse, type TimelineBucketsResponse } from '@skyroll/protocol';
import type { Repositories } from '../repositories/repositories.js';
import { DAY_MS, type TimelineSelection } from '../repositories/timeline.repository.js';
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
  constructor(private readonly repos: Repositories) {}

  async buckets(auth: Auth, filter: TimelineFilter): Promise<TimelineBucketsResponse> {
    const days = await this.repos.timeline.dayCounts(auth.accountId, await this.selection(auth, filter));
    const buckets = monthsOf(days);
    return { buckets, total: buckets.reduce((sum, b) => sum + b.count, 0) };
  }

  async bucket(auth: Auth, filter: TimelineFilter & { bucket: string }): Promise<TimelineBucketResponse> {
    const { from, to } = monthRange(filter.bucket);
    const rows = await this.repos.timeline.between(auth.accountId, await this.selection(auth, filter), from, to);
    const derivatives = await this.repos.derivatives.findForChecksums(
      auth.accountId,
      rows.map((r) => r.checksum),
    );
    const thumbnails = new Map(derivatives.filter((d) => d.kind === 'thumbnail').map((d) => [d.checksum, d]));
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
