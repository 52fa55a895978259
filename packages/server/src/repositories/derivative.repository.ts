import type { Kysely } from 'kysely';
import type { DB, DerivativeRow } from '../db/schema.js';
import type { DerivativeKind } from '../stores/blob-store.js';

export type { DerivativeKind } from '../stores/blob-store.js';

export class DerivativeRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async find(accountId: string, checksum: string, kind: DerivativeKind): Promise<DerivativeRow | undefined> {
    const row = await this.db
      .selectFrom('derivatives')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return (
      row && {
        ...row,
        size: row.size === null ? null : Number(row.size),
        duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
        updated_at: Number(row.updated_at),
      }
    );
  }

  async upsert(row: DerivativeRow): Promise<void> {
    const { account_id: _a, checksum: _c, kind: _k, ...update } = row;
    await this.db
      .insertInto('derivatives')
      .values(row)
      .onConflict((oc) => oc.columns(['account_id', 'checksum', 'kind']).doUpdateSet(update))
      .execute();
  }

  async deleteAll(accountId: string, checksum: string): Promise<void> {
    await this.db.deleteFrom('derivatives').where('account_id', '=', accountId).where('checksum', '=', checksum).execute();
  }
}
