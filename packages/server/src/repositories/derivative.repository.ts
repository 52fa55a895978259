import type { Kysely } from 'kysely';
import type { DB, DerivativeRow } from '../db/schema.js';
import type { DerivativeKind } from '../stores/blob-store.js';

export type { DerivativeKind } from '../stores/blob-store.js';

export class DerivativeRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Both derivatives of an original (preview, thumbnail), as far as they exist. */
  async list(accountId: string, checksum: string): Promise<DerivativeRow[]> {
    const rows = await this.db
      .selectFrom('derivatives')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .orderBy('kind')
      .execute();
    return rows.map(toDerivative);
  }

  /**
   * Originals in the library (an asset holds them, trashed or not) whose thumbnail is neither
   * made nor given up on: never attempted (stored before derivatives existed) or left pending.
   * One query over indexed keys: cheap at every start when there is nothing to do.
   */
  async listUnfinished(): Promise<Array<{ accountId: string; checksum: string }>> {
    const rows = await this.db
      .selectFrom('blobs as b')
      .select(['b.account_id', 'b.checksum'])
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('assets as a').select('a.id').whereRef('a.account_id', '=', 'b.account_id').whereRef('a.checksum', '=', 'b.checksum')),
      )
      .where(({ exists, not, selectFrom }) =>
        not(
          exists(
            selectFrom('derivatives as d')
              .select('d.kind')
              .whereRef('d.account_id', '=', 'b.account_id')
              .whereRef('d.checksum', '=', 'b.checksum')
              .where('d.kind', '=', 'thumbnail')
              .where('d.state', 'in', ['ready', 'failed']),
          ),
        ),
      )
      .execute();
    return rows.map((r) => ({ accountId: r.account_id, checksum: r.checksum }));
  }

  async find(accountId: string, checksum: string, kind: DerivativeKind): Promise<DerivativeRow | undefined> {
    const row = await this.db
      .selectFrom('derivatives')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row && toDerivative(row);
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

  // ---- read for the asset mapper and the timeline (many originals at once) ----

  /** The derivative rows of many originals of an account, in one query per 500 checksums. */
  async findForChecksums(accountId: string, checksums: string[]): Promise<DerivativeRow[]> {
    const unique = [...new Set(checksums)];
    const rows: DerivativeRow[] = [];
    for (let i = 0; i < unique.length; i += 500) {
      const batch = await this.db
        .selectFrom('derivatives')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('checksum', 'in', unique.slice(i, i + 500))
        .execute();
      for (const row of batch) {
        rows.push({
          ...row,
          size: row.size === null ? null : Number(row.size),
          duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
          updated_at: Number(row.updated_at),
        });
      }
    }
    return rows;
  }
}

function toDerivative(row: DerivativeRow): DerivativeRow {
  return {
    ...row,
    size: row.size === null ? null : Number(row.size),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    updated_at: Number(row.updated_at),
  };
}
