import type { Kysely } from 'kysely';
import type { DB, DerivativeRow } from '../db/schema.js';

export type DerivativeKind = 'preview';

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
    return row && { ...row, size: row.size === null ? null : Number(row.size), updated_at: Number(row.updated_at) };
  }

  async upsert(row: DerivativeRow): Promise<void> {
    await this.db
      .insertInto('derivatives')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'checksum', 'kind'])
          .doUpdateSet({ state: row.state, size: row.size, width: row.width, height: row.height, error: row.error, updated_at: row.updated_at }),
      )
      .execute();
  }

  async deleteAll(accountId: string, checksum: string): Promise<void> {
    await this.db.deleteFrom('derivatives').where('account_id', '=', accountId).where('checksum', '=', checksum).execute();
  }
}
