import { randomUUID } from 'node:crypto';
import { SkyrollError, type Album, type Asset, type HybridClock } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { AlbumRecord, AlbumSummary, MembershipRecord } from '../repositories/album.repository.js';
import type { Repositories } from '../repositories/repositories.js';
import { readAssets } from './asset.reader.js';
import type { Auth } from './auth.service.js';
import type { JournalService } from './journal.service.js';
import { applyMembership, isLater, stampOf } from './lww.js';

const EMPTY: AlbumSummary = { assetCount: 0, coverAssetId: null };

/**
 * Albums: created with an id the device may choose (so it can use one made offline at once),
 * renamed last writer wins, deleted for good (a tombstone; the assets stay in the library).
 * Membership is a last-writer-wins set: concurrent adds and removes converge on every device.
 */
export class AlbumService {
  constructor(
    private readonly repos: Repositories,
    private readonly journal: JournalService,
    private readonly hlc: HybridClock,
    private readonly clock: Clock = Date.now,
  ) {}

  async list(auth: Auth, withDeleted: boolean): Promise<{ albums: Album[] }> {
    const [records, summaries] = await Promise.all([
      this.repos.albums.list(auth.accountId, withDeleted),
      this.repos.albums.summaries(auth.accountId),
    ]);
    return { albums: records.map((r) => toAlbum(r, summaries.get(r.id))) };
  }

  /** A live album, or its tombstone. */
  async get(auth: Auth, id: string): Promise<Album> {
    return this.read(this.repos, auth, await this.require(this.repos, auth, id));
  }

  /** Idempotent by id: an album that exists is renamed when this name is newer (a tombstone stays one). */
  async create(auth: Auth, input: { id?: string; name: string; hlc?: string }): Promise<Album> {
    const stamp = stampOf(this.hlc, input.hlc);
    const id = input.id ?? randomUUID();
    return this.change(auth, async (trx) => {
      const existing = await trx.albums.find(auth.accountId, id);
      if (existing) return this.renamed(trx, auth, existing, input.name, stamp);
      await trx.albums.create({ accountId: auth.accountId, id, name: input.name, nameHlc: stamp, at: this.clock() });
      return this.journaled(trx, auth, 'album.updated', id);
    });
  }

  async rename(auth: Auth, id: string, input: { name: string; hlc?: string }): Promise<Album> {
    const stamp = stampOf(this.hlc, input.hlc);
    return this.change(auth, async (trx) => {
      const album = await this.requireLive(trx, auth, id);
      return this.renamed(trx, auth, album, input.name, stamp);
    });
  }

  /** Deletes for good (idempotent); its assets stay in the library and leave no trace of it. */
  async delete(auth: Auth, id: string, input: { hlc?: string } = {}): Promise<Album> {
    const stamp = stampOf(this.hlc, input.hlc);
    return this.change(auth, async (trx) => {
      const album = await this.require(trx, auth, id);
      if (album.deleted) return { album: await this.read(trx, auth, album) };
      await trx.albums.markDeleted(auth.accountId, id, stamp, this.clock());
      return this.journaled(trx, auth, 'album.deleted', id);
    });
  }

  addAssets(auth: Auth, id: string, input: { assetIds: string[]; hlc?: string }): Promise<{ album: Album; assets: Asset[] }> {
    return this.setMembership(auth, id, input.assetIds, true, input.hlc);
  }

  removeAssets(auth: Auth, id: string, input: { assetIds: string[]; hlc?: string }): Promise<{ album: Album; assets: Asset[] }> {
    return this.setMembership(auth, id, input.assetIds, false, input.hlc);
  }

  /**
   * Adds or removes assets, all or nothing (an unknown asset: NOT_FOUND), each only when this
   * change is later than the last one of that asset in the album. Journals `asset.metadata` for
   * each asset whose albums changed.
   */
  private async setMembership(
    auth: Auth,
    id: string,
    assetIds: string[],
    present: boolean,
    hlc: string | undefined,
  ): Promise<{ album: Album; assets: Asset[] }> {
    const unique = [...new Set(assetIds)];
    const stamp = stampOf(this.hlc, hlc);
    let head: number | undefined;
    const result = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(auth.accountId);
      const album = await this.requireLive(trx, auth, id);
      const records = await trx.assets.findMany(auth.accountId, unique);
      if (records.length !== unique.length) {
        const known = new Set(records.map((a) => a.id));
        throw new SkyrollError('NOT_FOUND', undefined, { assetIds: unique.filter((assetId) => !known.has(assetId)) });
      }
      const current = await trx.albums.memberships(auth.accountId, id, unique);
      const writes: MembershipRecord[] = [];
      const changed = new Set<string>();
      for (const assetId of unique) {
        const decision = applyMembership(current.get(assetId), present, stamp);
        if (decision.write) writes.push({ assetId, present, hlc: stamp });
        if (decision.changed) changed.add(assetId);
      }
      const now = this.clock();
      await trx.albums.putMemberships(auth.accountId, id, writes, now);
      const byId = new Map(records.map((r) => [r.id, r]));
      for (const assetId of changed) {
        await trx.assets.update(auth.accountId, assetId, { updated_at: now });
        byId.set(assetId, { ...byId.get(assetId)!, updatedAt: now });
      }
      if (changed.size > 0) await trx.albums.touch(auth.accountId, id, now);
      const assets = await readAssets(trx, auth.accountId, unique.map((assetId) => byId.get(assetId)!));
      for (const asset of assets) if (changed.has(asset.id)) head = await this.journal.append(trx, auth, 'asset.metadata', asset);
      const after = (await trx.albums.find(auth.accountId, id)) ?? album;
      return { album: await this.read(trx, auth, after), assets };
    });
    this.journal.announce(auth.accountId, head);
    return result;
  }

  private async renamed(trx: Repositories, auth: Auth, album: AlbumRecord, name: string, stamp: string): Promise<Change> {
    if (album.deleted || !isLater(stamp, album.nameHlc)) return { album: await this.read(trx, auth, album) };
    await trx.albums.rename(auth.accountId, album.id, name, stamp, this.clock());
    if (name === album.name) return { album: await this.read(trx, auth, { ...album, nameHlc: stamp }) };
    return this.journaled(trx, auth, 'album.updated', album.id);
  }

  /** One transaction under the account's lock; pokes the devices once it committed. */
  private async change(auth: Auth, fn: (trx: Repositories) => Promise<Change>): Promise<Album> {
    const { album, head } = await this.repos.transaction(async (trx) => {
      await trx.accounts.lock(auth.accountId);
      return fn(trx);
    });
    this.journal.announce(auth.accountId, head);
    return album;
  }

  private async journaled(trx: Repositories, auth: Auth, type: 'album.updated' | 'album.deleted', id: string): Promise<Change> {
    const record = await trx.albums.find(auth.accountId, id);
    if (!record) throw new Error(`album ${id} vanished inside its transaction`);
    const album = await this.read(trx, auth, record);
    return { album, head: await this.journal.appendAlbum(trx, auth, type, album) };
  }

  private async read(repos: Repositories, auth: Auth, record: AlbumRecord): Promise<Album> {
    return toAlbum(record, (await repos.albums.summaries(auth.accountId, [record.id])).get(record.id));
  }

  /** Another account's album is as unknown as a missing one. */
  private async require(repos: Repositories, auth: Auth, id: string): Promise<AlbumRecord> {
    const album = await repos.albums.find(auth.accountId, id);
    if (!album) throw new SkyrollError('NOT_FOUND');
    return album;
  }

  private async requireLive(repos: Repositories, auth: Auth, id: string): Promise<AlbumRecord> {
    const album = await this.require(repos, auth, id);
    if (album.deleted) throw new SkyrollError('NOT_FOUND', 'The album was deleted', { deleted: true });
    return album;
  }
}

interface Change {
  album: Album;
  head?: number;
}

function toAlbum(record: AlbumRecord, summary: AlbumSummary = EMPTY): Album {
  return {
    id: record.id,
    name: record.name,
    assetCount: record.deleted ? 0 : summary.assetCount,
    coverAssetId: record.deleted ? null : summary.coverAssetId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    deleted: record.deleted,
  };
}
