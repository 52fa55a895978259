import type { Kysely } from 'kysely';
import type { AlbumRow, DB } from '../db/schema.js';
import { sql } from '../db/kysely.js';

/** An album row as the services read it. */
export interface AlbumRecord {
  accountId: string;
  id: string;
  name: string;
  nameHlc: string;
  deleted: boolean;
  deletedHlc: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What an album holds that is shown: live, not hidden assets, and the newest of them. */
export interface AlbumSummary {
  assetCount: number;
  coverAssetId: string | null;
}

export interface MembershipRecord {
  assetId: string;
  present: boolean;
  hlc: string;
}

/** Id batches for `in (…)` lists: far below both engines' limits on bound parameters. */
const BATCH = 500;

export class AlbumRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async find(accountId: string, id: string): Promise<AlbumRecord | undefined> {
    const row = await this.db.selectFrom('albums').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** The account's albums by name (tombstones too when asked). */
  async list(accountId: string, withDeleted: boolean): Promise<AlbumRecord[]> {
    const rows = await this.db
      .selectFrom('albums')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(!withDeleted, (qb) => qb.where('deleted', '=', 0))
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async create(album: { accountId: string; id: string; name: string; nameHlc: string; at: number }): Promise<void> {
    await this.db
      .insertInto('albums')
      .values({
        account_id: album.accountId,
        id: album.id,
        name: album.name,
        name_hlc: album.nameHlc,
        created_at: album.at,
        updated_at: album.at,
      })
      .execute();
  }

  async rename(accountId: string, id: string, name: string, nameHlc: string, at: number): Promise<void> {
    await this.db.updateTable('albums').set({ name, name_hlc: nameHlc, updated_at: at }).where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async markDeleted(accountId: string, id: string, hlc: string, at: number): Promise<void> {
    await this.db
      .updateTable('albums')
      .set({ deleted: 1, deleted_hlc: hlc, updated_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  async touch(accountId: string, id: string, at: number): Promise<void> {
    await this.db.updateTable('albums').set({ updated_at: at }).where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /**
   * Count and cover of each album (all of the account's when ids is undefined): its live assets
   * that are not hidden, as its timeline shows them; the cover is the newest by sort time.
   */
  async summaries(accountId: string, ids?: string[]): Promise<Map<string, AlbumSummary>> {
    const albumFilter = ids === undefined ? sql`` : ids.length === 0 ? sql`and 1 = 0` : sql`and aa.album_id in (${sql.join(ids)})`;
    const { rows } = await sql<{ album_id: string; asset_count: number | string; cover: string }>`
      select album_id, asset_count, cover from (
        select aa.album_id,
               count(*) over (partition by aa.album_id) as asset_count,
               a.id as cover,
               row_number() over (partition by aa.album_id order by coalesce(a.taken_at, a.created_at) desc, a.id desc) as cover_rank
        from album_assets aa
        join assets a on a.id = aa.asset_id
        where aa.account_id = ${accountId} and aa.present = 1 and a.trashed_at is null and a.hidden = 0 ${albumFilter}
      ) ranked
      where cover_rank = 1`.execute(this.db);
    return new Map(rows.map((r) => [r.album_id, { assetCount: Number(r.asset_count), coverAssetId: r.cover }]));
  }

  /** The membership rows (added or removed) of these assets in one album. */
  async memberships(accountId: string, albumId: string, assetIds: string[]): Promise<Map<string, MembershipRecord>> {
    const result = new Map<string, MembershipRecord>();
    for (let i = 0; i < assetIds.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('album_assets')
        .select(['asset_id', 'present', 'hlc'])
        .where('account_id', '=', accountId)
        .where('album_id', '=', albumId)
        .where('asset_id', 'in', assetIds.slice(i, i + BATCH))
        .execute();
      for (const r of rows) result.set(r.asset_id, { assetId: r.asset_id, present: Number(r.present) === 1, hlc: r.hlc });
    }
    return result;
  }

  /** Writes membership rows (the caller decided each wins). */
  async putMemberships(accountId: string, albumId: string, rows: MembershipRecord[], at: number): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.db
        .insertInto('album_assets')
        .values(
          rows.slice(i, i + BATCH).map((r) => ({
            account_id: accountId,
            album_id: albumId,
            asset_id: r.assetId,
            present: r.present ? 1 : 0,
            hlc: r.hlc,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['account_id', 'album_id', 'asset_id']).doUpdateSet((eb) => ({
            present: eb.ref('excluded.present'),
            hlc: eb.ref('excluded.hlc'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  /** The live albums holding each of these assets (assets in none are absent from the map). */
  async albumIdsOf(accountId: string, assetIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const unique = [...new Set(assetIds)];
    for (let i = 0; i < unique.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('album_assets')
        .innerJoin('albums', (join) => join.onRef('albums.account_id', '=', 'album_assets.account_id').onRef('albums.id', '=', 'album_assets.album_id'))
        .select(['album_assets.asset_id as assetId', 'album_assets.album_id as albumId'])
        .where('album_assets.account_id', '=', accountId)
        .where('album_assets.asset_id', 'in', unique.slice(i, i + BATCH))
        .where('album_assets.present', '=', 1)
        .where('albums.deleted', '=', 0)
        .orderBy('album_assets.album_id')
        .execute();
      for (const r of rows) result.set(r.assetId, [...(result.get(r.assetId) ?? []), r.albumId]);
    }
    return result;
  }
}

function toRecord(row: AlbumRow): AlbumRecord {
  return {
    accountId: row.account_id,
    id: row.id,
    name: row.name,
    nameHlc: row.name_hlc,
    deleted: Number(row.deleted) === 1,
    deletedHlc: row.deleted_hlc,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
