import type { Album, Asset, JournalEntry, JournalPage } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { EventBus, HeadListener } from '../events/event-bus.js';
import type { Repositories } from '../repositories/repositories.js';
import { assetFromSnapshot } from './asset.mapper.js';
import type { Auth } from './auth.service.js';

export type JournalEntryType = JournalEntry['type'];

export class JournalService {
  constructor(
    private readonly repos: Repositories,
    private readonly events: EventBus,
    private readonly clock: Clock = Date.now,
  ) {}

  /**
   * Appends one entry inside the caller's transaction (repos must be the transaction's) and
   * returns its sequence number. The counter on the account row makes numbers gapless.
   */
  async append(trx: Repositories, auth: Auth, type: JournalEntryType, asset: Asset): Promise<number> {
    const seq = await trx.accounts.nextJournalSeq(auth.accountId);
    await trx.journal.insert({
      account_id: auth.accountId,
      seq,
      type,
      asset_id: asset.id,
      device_id: auth.deviceId,
      at: this.clock(),
      asset_json: JSON.stringify(asset),
      album_json: null,
    });
    return seq;
  }

  /** Appends an album entry (`album.updated`, `album.deleted`) inside the caller's transaction. */
  async appendAlbum(trx: Repositories, auth: Auth, type: 'album.updated' | 'album.deleted', album: Album): Promise<number> {
    const seq = await trx.accounts.nextJournalSeq(auth.accountId);
    await trx.journal.insert({
      account_id: auth.accountId,
      seq,
      type,
      asset_id: null,
      device_id: auth.deviceId,
      at: this.clock(),
      asset_json: null,
      album_json: JSON.stringify(album),
    });
    return seq;
  }

  /** Appends `asset.purged` (no snapshot: the asset is gone); deviceId null for the retention sweep. */
  async appendPurged(trx: Repositories, accountId: string, deviceId: string | null, assetId: string): Promise<number> {
    const seq = await trx.accounts.nextJournalSeq(accountId);
    await trx.journal.insert({
      account_id: accountId,
      seq,
      type: 'asset.purged',
      asset_id: assetId,
      device_id: deviceId,
      at: this.clock(),
      asset_json: null,
      album_json: null,
    });
    return seq;
  }

  /** Pokes the account's devices; call after the transaction that appended has committed. */
  announce(accountId: string, head: number | undefined): void {
    if (head !== undefined) this.events.publishHead(accountId, head);
  }

  async page(auth: Auth, after: number, limit: number): Promise<JournalPage> {
    return this.repos.transaction(async (trx) => {
      // Entries first, then the head: on PostgreSQL (READ COMMITTED) each statement sees the
      // commits made before it, so a head read after the entries is never below the cursor.
      // Entries come in gapless prefixes: seqs are taken under the account row's lock, so they
      // commit in order.
      const rows = await trx.journal.listAfter(auth.accountId, after, limit + 1);
      const head = await trx.accounts.journalHead(auth.accountId);
      const more = rows.length > limit;
      const entries: JournalEntry[] = rows.slice(0, limit).map((row) => ({
        seq: row.seq,
        type: row.type as JournalEntryType,
        assetId: row.asset_id,
        asset: row.asset_json === null ? null : assetFromSnapshot(row.asset_json),
        album: row.album_json === null ? null : (JSON.parse(row.album_json) as Album),
        deviceId: row.device_id,
        at: row.at,
      }));
      return { entries, cursor: entries.at(-1)?.seq ?? after, more, head };
    });
  }

  head(auth: Auth): Promise<number> {
    return this.repos.accounts.journalHead(auth.accountId);
  }

  watchHead(auth: Auth, listener: HeadListener): () => void {
    return this.events.subscribeHead(auth.accountId, listener);
  }
}
