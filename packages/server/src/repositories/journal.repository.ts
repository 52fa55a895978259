import type { Kysely } from 'kysely';
import type { DB, JournalRow } from '../db/schema.js';

export class JournalRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(entry: JournalRow): Promise<void> {
    await this.db.insertInto('journal').values(entry).execute();
  }

  /** Drops the snapshots of purged assets from earlier entries: nothing of them is kept. */
  async forgetSnapshots(accountId: string, assetIds: string[]): Promise<void> {
    if (assetIds.length === 0) return;
    await this.db.updateTable('journal').set({ asset_json: null }).where('account_id', '=', accountId).where('asset_id', 'in', assetIds).execute();
  }

  async listAfter(accountId: string, after: number, limit: number): Promise<JournalRow[]> {
    const rows = await this.db
      .selectFrom('journal')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
  }
}
