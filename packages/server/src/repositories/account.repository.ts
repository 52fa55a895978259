import type { Kysely } from 'kysely';
import { sql } from '../db/kysely.js';
import type { AccountRow, DB } from '../db/schema.js';

export class AccountRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(account: Omit<AccountRow, 'used_bytes' | 'journal_head'>): Promise<void> {
    await this.db.insertInto('accounts').values(account).execute();
  }

  async findById(id: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst().then(toAccount);
  }

  async findByEmail(email: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst().then(toAccount);
  }

  /** Adds bytes to used_bytes only if they fit in the quota; false when they do not. Atomic. */
  async addUsedBytesWithinQuota(id: string, bytes: number): Promise<boolean> {
    const result = await this.db
      .updateTable('accounts')
      .set({ used_bytes: sql`used_bytes + ${bytes}` })
      .where('id', '=', id)
      .where(sql<boolean>`used_bytes + ${bytes} <= quota_bytes`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives bytes back (a purged original); never below zero. */
  async releaseUsedBytes(id: string, bytes: number): Promise<void> {
    if (bytes <= 0) return;
    await this.db
      .updateTable('accounts')
      .set({ used_bytes: sql`case when used_bytes > ${bytes} then used_bytes - ${bytes} else 0 end` })
      .where('id', '=', id)
      .execute();
  }

  async setPlan(id: string, plan: string, quotaBytes: number): Promise<void> {
    await this.db.updateTable('accounts').set({ plan, quota_bytes: quotaBytes }).where('id', '=', id).execute();
  }

  /**
   * Serializes the account's library changes: a no-op write that takes the account row's lock
   * (PostgreSQL) or the write lock (SQLite) first, so check-then-insert inside the transaction
   * (idempotent commit by checksum) cannot race with itself.
   */
  async lock(id: string): Promise<void> {
    await this.db.updateTable('accounts').set({ journal_head: sql`journal_head` }).where('id', '=', id).execute();
  }

  /** Takes the next journal sequence number of the account (row-locking on PostgreSQL). */
  async nextJournalSeq(id: string): Promise<number> {
    const row = await this.db
      .updateTable('accounts')
      .set({ journal_head: sql`journal_head + 1` })
      .where('id', '=', id)
      .returning('journal_head')
      .executeTakeFirstOrThrow();
    return Number(row.journal_head);
  }

  async journalHead(id: string): Promise<number> {
    const row = await this.db.selectFrom('accounts').select('journal_head').where('id', '=', id).executeTakeFirst();
    return Number(row?.journal_head ?? 0);
  }
}

function toAccount(row: AccountRow | undefined): AccountRow | undefined {
  if (!row) return undefined;
  return { ...row, quota_bytes: Number(row.quota_bytes), used_bytes: Number(row.used_bytes), journal_head: Number(row.journal_head), created_at: Number(row.created_at) };
}
