import type { Kysely } from 'kysely';
import type { AssetUpdate, DB, NewAsset } from '../db/schema.js';

/** An asset row joined with the blob of its current bytes. */
export interface AssetRecord {
  id: string;
  accountId: string;
  checksum: string;
  path: string;
  originDeviceId: string | null;
  takenAt: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  trashedAt: number | null;
  size: number;
  mime: string;
  type: string;
  width: number | null;
  height: number | null;
  favorite: boolean;
  hidden: boolean;
  caption: string;
}

/** An asset's metadata fields with the hybrid-logical-clock time each was last set (null: never). */
export interface AssetMetadataClocks {
  id: string;
  favorite: boolean;
  favoriteHlc: string | null;
  hidden: boolean;
  hiddenHlc: string | null;
  caption: string;
  captionHlc: string | null;
}

/** One reference from the library to a stored original that counts toward the quota. */
export interface StorageReference {
  checksum: string;
  size: number;
  type: string;
  role: 'live' | 'trashed' | 'version';
  deviceId: string | null;
}

export class AssetRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private select() {
    return this.db
      .selectFrom('assets')
      .innerJoin('blobs', (join) =>
        join.onRef('blobs.account_id', '=', 'assets.account_id').onRef('blobs.checksum', '=', 'assets.checksum'),
      )
      .select([
        'assets.id',
        'assets.account_id as accountId',
        'assets.checksum',
        'assets.path',
        'assets.origin_device_id as originDeviceId',
        'assets.taken_at as takenAt',
        'assets.version',
        'assets.created_at as createdAt',
        'assets.updated_at as updatedAt',
        'assets.trashed_at as trashedAt',
        'blobs.size',
        'blobs.mime',
        'blobs.type',
        'blobs.width',
        'blobs.height',
        'assets.favorite',
        'assets.hidden',
        'assets.caption',
      ]);
  }

  /** The metadata of these assets of the account with their clocks: what a last-writer-wins change compares against. */
  async metadataClocks(accountId: string, ids: string[]): Promise<AssetMetadataClocks[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('assets')
      .select([
        'id',
        'favorite',
        'favorite_hlc as favoriteHlc',
        'hidden',
        'hidden_hlc as hiddenHlc',
        'caption',
        'caption_hlc as captionHlc',
      ])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .execute();
    return rows.map((r) => ({ ...r, favorite: Number(r.favorite) === 1, hidden: Number(r.hidden) === 1 }));
  }

  async find(accountId: string, id: string): Promise<AssetRecord | undefined> {
    const row = await this.select().where('assets.account_id', '=', accountId).where('assets.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findMany(accountId: string, ids: string[]): Promise<AssetRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.select().where('assets.account_id', '=', accountId).where('assets.id', 'in', ids).execute();
    return rows.map(toRecord);
  }

  /** Assets whose current bytes have one of these checksums, oldest first. */
  async findByChecksums(accountId: string, checksums: string[]): Promise<AssetRecord[]> {
    if (checksums.length === 0) return [];
    const rows = await this.select()
      .where('assets.account_id', '=', accountId)
      .where('assets.checksum', 'in', checksums)
      .orderBy('assets.created_at')
      .orderBy('assets.id')
      .execute();
    return rows.map(toRecord);
  }

  /** Ids of the assets (trashed or not) whose current bytes are this original, at most `limit`. */
  async idsOfChecksum(accountId: string, checksum: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('assets')
      .select('id')
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async listTrashed(accountId: string): Promise<AssetRecord[]> {
    const rows = await this.select()
      .where('assets.account_id', '=', accountId)
      .where('assets.trashed_at', 'is not', null)
      .orderBy('assets.trashed_at', 'desc')
      .orderBy('assets.id')
      .execute();
    return rows.map(toRecord);
  }

  /** Trashed before the cutoff, any account: what the retention sweep purges (oldest first). */
  async listTrashedBefore(cutoff: number, limit: number): Promise<Array<{ accountId: string; id: string }>> {
    return this.db
      .selectFrom('assets')
      .select(['account_id as accountId', 'id'])
      .where('trashed_at', 'is not', null)
      .where('trashed_at', '<=', cutoff)
      .orderBy('trashed_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Checksums of the earlier versions of these assets. */
  async versionChecksums(assetIds: string[]): Promise<string[]> {
    if (assetIds.length === 0) return [];
    const rows = await this.db.selectFrom('asset_versions').select('checksum').where('asset_id', 'in', assetIds).execute();
    return rows.map((r) => r.checksum);
  }

  /** Deletes assets of the account and their versions. */
  async delete(accountId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const owned = this.db.selectFrom('assets').select('id').where('account_id', '=', accountId).where('id', 'in', ids);
    await this.db.deleteFrom('asset_versions').where('asset_id', 'in', owned).execute();
    await this.db.deleteFrom('assets').where('account_id', '=', accountId).where('id', 'in', ids).execute();
  }

  /** Whether any asset of the account still has these bytes as its current or an earlier version. */
  async isReferenced(accountId: string, checksum: string): Promise<boolean> {
    const current = await this.db
      .selectFrom('assets')
      .select('id')
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .limit(1)
      .executeTakeFirst();
    if (current) return true;
    const version = await this.db
      .selectFrom('asset_versions')
      .innerJoin('assets', 'assets.id', 'asset_versions.asset_id')
      .select('asset_versions.asset_id')
      .where('assets.account_id', '=', accountId)
      .where('asset_versions.checksum', '=', checksum)
      .limit(1)
      .executeTakeFirst();
    return version !== undefined;
  }

  /** Every reference to a counted blob, for the storage breakdown: current bytes, then versions. */
  async storageReferences(accountId: string): Promise<StorageReference[]> {
    const current = await this.db
      .selectFrom('assets')
      .innerJoin('blobs', (join) =>
        join.onRef('blobs.account_id', '=', 'assets.account_id').onRef('blobs.checksum', '=', 'assets.checksum'),
      )
      .select(['assets.checksum', 'blobs.size', 'blobs.type', 'assets.trashed_at as trashedAt', 'assets.origin_device_id as deviceId'])
      .where('assets.account_id', '=', accountId)
      .where('blobs.counted_at', 'is not', null)
      .orderBy('assets.created_at')
      .orderBy('assets.id')
      .execute();
    const versions = await this.db
      .selectFrom('asset_versions')
      .innerJoin('assets', 'assets.id', 'asset_versions.asset_id')
      .innerJoin('blobs', (join) =>
        join.onRef('blobs.account_id', '=', 'assets.account_id').onRef('blobs.checksum', '=', 'asset_versions.checksum'),
      )
      .select(['asset_versions.checksum', 'blobs.size', 'blobs.type'])
      .where('assets.account_id', '=', accountId)
      .where('blobs.counted_at', 'is not', null)
      .orderBy('asset_versions.asset_id')
      .orderBy('asset_versions.version')
      .execute();
    return [
      ...current.map((r) => ({
        checksum: r.checksum,
        size: Number(r.size),
        type: r.type,
        role: r.trashedAt === null ? ('live' as const) : ('trashed' as const),
        deviceId: r.deviceId,
      })),
      ...versions.map((r) => ({ checksum: r.checksum, size: Number(r.size), type: r.type, role: 'version' as const, deviceId: null })),
    ];
  }

  async create(asset: NewAsset): Promise<void> {
    await this.db.insertInto('assets').values(asset).execute();
  }

  async update(accountId: string, id: string, patch: AssetUpdate): Promise<void> {
    await this.db.updateTable('assets').set(patch).where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async addVersion(version: { asset_id: string; version: number; checksum: string; created_at: number }): Promise<void> {
    await this.db.insertInto('asset_versions').values(version).execute();
  }
}

type Row = Omit<AssetRecord, 'favorite' | 'hidden'> & { favorite: number; hidden: number };

function toRecord(row: Row): AssetRecord {
  return {
    ...row,
    favorite: Number(row.favorite) === 1,
    hidden: Number(row.hidden) === 1,
    takenAt: row.takenAt === null ? null : Number(row.takenAt),
    version: Number(row.version),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
    trashedAt: row.trashedAt === null ? null : Number(row.trashedAt),
    size: Number(row.size),
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
  };
}
