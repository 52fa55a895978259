import type { Db } from './database.js';

export type ItemState = 'pending' | 'uploading' | 'downloading' | 'optimized' | 'blocked' | 'failed' | 'excluded';

/** Why an item is not synced: the ids of `skyroll doctor`'s checks (one list, in the protocol). */
export type { Reason } from '@skyroll/protocol';
import type { Reason } from '@skyroll/protocol';

export interface Item {
  path: string;
  state: ItemState;
  reason: Reason | null;
  detail: string | null;
  /** For failed items: the bytes that failed, retried only once the file changes. */
  checksum: string | null;
  /** Which way the item's bytes would move, and how many: what pending work weighs. */
  transfer?: Transfer | null;
  bytes?: number | null;
}

export type Transfer = 'upload' | 'download';

/** Every item that is not simply in sync, with why: what `skyroll status` reads. */
export class ItemRepository {
  constructor(private readonly db: Db) {}

  all(): Item[] {
    return this.db.prepare('SELECT path, state, reason, detail, checksum, transfer, bytes FROM item ORDER BY path').all() as Item[];
  }

  get(path: string): Item | undefined {
    return this.db.prepare('SELECT path, state, reason, detail, checksum, transfer, bytes FROM item WHERE path = ?').get(path) as Item | undefined;
  }

  put(item: Item): void {
    this.db
      .prepare(
        `INSERT INTO item (path, state, reason, detail, checksum, transfer, bytes, updated_at)
         VALUES (@path, @state, @reason, @detail, @checksum, @transfer, @bytes, @at)
         ON CONFLICT (path) DO UPDATE SET state = excluded.state, reason = excluded.reason, detail = excluded.detail,
           checksum = excluded.checksum, transfer = excluded.transfer, bytes = excluded.bytes, updated_at = excluded.updated_at`,
      )
      .run({ ...item, transfer: item.transfer ?? null, bytes: item.bytes ?? null, at: Date.now() });
  }

  setState(path: string, state: ItemState, reason: Reason | null = null, detail: string | null = null): void {
    const current = this.get(path);
    this.put({ path, state, reason, detail, checksum: current?.checksum ?? null, transfer: current?.transfer, bytes: current?.bytes });
  }

  delete(path: string): void {
    this.db.prepare('DELETE FROM item WHERE path = ?').run(path);
  }

  /** Replaces the whole list (one transaction): the plan of a pass. */
  replaceAll(items: Item[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM item').run();
      for (const item of items) this.put(item);
    })();
  }

  failures(): Map<string, string> {
    const rows = this.db.prepare("SELECT path, checksum FROM item WHERE state = 'failed' AND checksum IS NOT NULL").all() as {
      path: string;
      checksum: string;
    }[];
    return new Map(rows.map((r) => [r.path, r.checksum]));
  }
}
