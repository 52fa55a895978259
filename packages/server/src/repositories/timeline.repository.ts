import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { sql } from '../db/kysely.js';

/** Which of an account's live assets a timeline shows. */
export interface TimelineSelection {
  /** true: only the hidden ones; false: only the others. */
  hidden: boolean;
  favorite?: boolean;
  albumId?: string;
  type?: 'photo' | 'video';
}

export interface TimelineRow {
  id: string;
  checksum: string;
  sortAt: number;
  type: string;
  width: number | null;
  height: number | null;
  favorite: boolean;
}

/**
 * The sort time of an asset (taken, else added): the expression of the `assets_timeline_idx`
 * index, so both engines read the timeline from that index (qualified: blobs has the same columns).
 */
const SORT_AT = sql<number>`coalesce(${sql.ref('assets.taken_at')}, ${sql.ref('assets.created_at')})`;

export const DAY_MS = 86_400_000;
/** The UTC day of the sort time, floored (both engines truncate integer division toward zero: photos before 1970 exist). */
const DAY = sql<number>`(${SORT_AT} - ((${SORT_AT} % ${sql.lit(DAY_MS)}) + ${sql.lit(DAY_MS)}) % ${sql.lit(DAY_MS)}) / ${sql.lit(DAY_MS)}`;

export class TimelineRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Counts per UTC day (days since 1970-01-01, newest first). Days, not months: integer arithmetic
   * the same on both engines and far cheaper per row than their date functions; a library has a
   * few thousand days at most, which the caller folds into months.
   */
  async dayCounts(accountId: string, selection: TimelineSelection): Promise<Array<{ day: number; count: number }>> {
    const rows = await this.selected(accountId, selection)
      .select([DAY.as('day'), (eb) => eb.fn.countAll<number | string>().as('count')])
      .groupBy(DAY)
      .orderBy(DAY, 'desc')
      .execute();
    return rows.map((r) => ({ day: Number(r.day), count: Number(r.count) }));
  }

  /** The assets whose sort time is in [from, to), newest first. */
  async between(accountId: string, selection: TimelineSelection, from: number, to: number): Promise<TimelineRow[]> {
    const rows = await this.selected(accountId, selection)
      .innerJoin('blobs', (join) => join.onRef('blobs.account_id', '=', 'assets.account_id').onRef('blobs.checksum', '=', 'assets.checksum'))
      .select([
        'assets.id',
        'assets.checksum',
        SORT_AT.as('sortAt'),
        'blobs.type',
        'blobs.width',
        'blobs.height',
        'assets.favorite',
      ])
      .where(SORT_AT, '>=', from)
      .where(SORT_AT, '<', to)
      .orderBy(SORT_AT, 'desc')
      .orderBy('assets.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      checksum: r.checksum,
      sortAt: Number(r.sortAt),
      type: r.type,
      width: r.width === null ? null : Number(r.width),
      height: r.height === null ? null : Number(r.height),
      favorite: Number(r.favorite) === 1,
    }));
  }

  /** The live assets of the selection; filters on other tables are semi-joins, so rows stay one per asset. */
  private selected(accountId: string, selection: TimelineSelection): SelectQueryBuilder<DB, 'assets', object> {
    let query = this.db
      .selectFrom('assets')
      .where('assets.account_id', '=', accountId)
      .where('assets.hidden', '=', selection.hidden ? 1 : 0)
      .where('assets.trashed_at', 'is', null);
    if (selection.favorite !== undefined) query = query.where('assets.favorite', '=', selection.favorite ? 1 : 0);
    if (selection.type !== undefined) {
      const type = selection.type;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('blobs')
            .select('blobs.type')
            .whereRef('blobs.account_id', '=', 'assets.account_id')
            .whereRef('blobs.checksum', '=', 'assets.checksum')
            .where('blobs.type', '=', type),
        ),
      );
    }
    if (selection.albumId !== undefined) {
      const albumId = selection.albumId;
      query = query.where('assets.id', 'in', (eb) =>
        eb
          .selectFrom('album_assets')
          .select('album_assets.asset_id')
          .where('album_assets.account_id', '=', accountId)
          .where('album_assets.album_id', '=', albumId)
          .where('album_assets.present', '=', 1),
      );
    }
    return query;
  }
}
