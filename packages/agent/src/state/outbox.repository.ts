import { MetadataChange } from '../metadata/change.js';
import type { Db } from './database.js';

/** A metadata change made here, stamped when it was made, waiting for the server to take it. */
export interface OutboxEntry {
  seq: number;
  hlc: string;
  change: MetadataChange;
  attempts: number;
  /** Not sent again before this time (epoch ms): the backoff after a failed delivery. */
  nextAt: number;
  lastError: string | null;
  createdAt: number;
}

interface Row {
  seq: number;
  hlc: string;
  change: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
}

/** The metadata outbox: changes in the order they were made, removed once delivered (or dropped). */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  add(hlc: string, change: MetadataChange, now = Date.now()): number {
    const result = this.db
      .prepare('INSERT INTO metadata_outbox (hlc, change, created_at) VALUES (?, ?, ?)')
      .run(hlc, JSON.stringify(change), now);
    return Number(result.lastInsertRowid);
  }

  /** Every waiting change, oldest first. An entry this build cannot read is left out (and never sent). */
  all(): OutboxEntry[] {
    const rows = this.db.prepare('SELECT * FROM metadata_outbox ORDER BY seq').all() as Row[];
    return rows.flatMap((r) => {
      const change = MetadataChange.safeParse(safeJson(r.change));
      if (!change.success) return [];
      return [{ seq: r.seq, hlc: r.hlc, change: change.data, attempts: r.attempts, nextAt: r.next_at, lastError: r.last_error, createdAt: r.created_at }];
    });
  }

  get(seq: number): OutboxEntry | undefined {
    return this.all().find((e) => e.seq === seq);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM metadata_outbox').get() as { n: number }).n;
  }

  /** When the oldest change may be sent (epoch ms; 0 = now); undefined when the outbox is empty. */
  headDueAt(): number | undefined {
    const row = this.db.prepare('SELECT next_at FROM metadata_outbox ORDER BY seq LIMIT 1').get() as { next_at: number } | undefined;
    return row?.next_at;
  }

  delete(seq: number): void {
    this.db.prepare('DELETE FROM metadata_outbox WHERE seq = ?').run(seq);
  }

  /** The same entry (its place and timestamp kept) with a smaller change: part of it was delivered. */
  replaceChange(seq: number, change: MetadataChange): void {
    this.db.prepare('UPDATE metadata_outbox SET change = ? WHERE seq = ?').run(JSON.stringify(change), seq);
  }

  retryLater(seq: number, nextAt: number, error: string): void {
    this.db.prepare('UPDATE metadata_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?').run(nextAt, error, seq);
  }

  /** A new chance now (the connection came back): the backoff of every entry ends. */
  retryNow(): void {
    this.db.prepare('UPDATE metadata_outbox SET next_at = 0 WHERE next_at > 0').run();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
