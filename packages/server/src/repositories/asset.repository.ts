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
      ]);
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

  async listTrashed(accountId: string): Promise<AssetRecord[]> {
    const rows = await this.select()
      .where('assets.account_id', '=', accountId)
      .where('assets.trashed_at', 'is not', null)
      .orderBy('assets.trashed_at', 'desc')
      .orderBy('assets.id')
      .execute();
    return rows.map(toRecord);
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

type Row = Omit<AssetRecord, never>;

function toRecord(row: Row): AssetRecord {
  return {
    ...row,
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
