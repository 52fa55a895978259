import type { Kysely } from 'kysely';
import type { BlobRow, DB, NewBlob } from '../db/schema.js';

export class BlobRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async find(accountId: string, checksum: string): Promise<BlobRow | undefined> {
    const row = await this.db
      .selectFrom('blobs')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .executeTakeFirst();
    return row && toBlob(row);
  }

  async findChecksums(accountId: string, checksums: string[]): Promise<Set<string>> {
    if (checksums.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('blobs')
      .select('checksum')
      .where('account_id', '=', accountId)
      .where('checksum', 'in', checksums)
      .execute();
    return new Set(rows.map((r) => r.checksum));
  }

  /** Records a stored original; a second record of the same bytes is a no-op. */
  async insert(blob: NewBlob): Promise<void> {
    await this.db
      .insertInto('blobs')
      .values(blob)
      .onConflict((oc) => oc.columns(['account_id', 'checksum']).doNothing())
      .execute();
  }

  /**
   * Originals whose camera, exposure and place were never read (verified before they were kept).
   * One query; empty once every original has been read ('{}' records "read, nothing there").
   */
  async listDetailsUnread(): Promise<Array<{ accountId: string; checksum: string }>> {
    const rows = await this.db.selectFrom('blobs').select(['account_id', 'checksum']).where('details_json', 'is', null).execute();
    return rows.map((r) => ({ accountId: r.account_id, checksum: r.checksum }));
  }

  /** Records the details read from an original, unless a reader got there first. */
  async setDetails(accountId: string, checksum: string, detailsJson: string): Promise<void> {
    await this.db
      .updateTable('blobs')
      .set({ details_json: detailsJson })
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .where('details_json', 'is', null)
      .execute();
  }

  async delete(accountId: string, checksum: string): Promise<void> {
    await this.db.deleteFrom('blobs').where('account_id', '=', accountId).where('checksum', '=', checksum).execute();
  }

  async markCounted(accountId: string, checksum: string, at: number): Promise<void> {
    await this.db
      .updateTable('blobs')
      .set({ counted_at: at })
      .where('account_id', '=', accountId)
      .where('checksum', '=', checksum)
      .execute();
  }
}

function toBlob(row: BlobRow): BlobRow {
  return {
    ...row,
    size: Number(row.size),
    taken_at: row.taken_at === null ? null : Number(row.taken_at),
    created_at: Number(row.created_at),
    counted_at: row.counted_at === null ? null : Number(row.counted_at),
  };
}
