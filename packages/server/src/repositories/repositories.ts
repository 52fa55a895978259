import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { AccountRepository } from './account.repository.js';
import { AlbumRepository } from './album.repository.js';
import { AssetRepository } from './asset.repository.js';
import { BlobRepository } from './blob.repository.js';
import { DerivativeRepository } from './derivative.repository.js';
import { DeviceRepository } from './device.repository.js';
import { JobRepository } from './job.repository.js';
import { JournalRepository } from './journal.repository.js';
import { TimelineRepository } from './timeline.repository.js';

/** All repositories over one connection or one transaction. */
export class Repositories {
  readonly accounts: AccountRepository;
  readonly devices: DeviceRepository;
  readonly blobs: BlobRepository;
  readonly assets: AssetRepository;
  readonly journal: JournalRepository;
  readonly derivatives: DerivativeRepository;
  readonly jobs: JobRepository;
  readonly albums: AlbumRepository;
  readonly timeline: TimelineRepository;

  constructor(private readonly db: Kysely<DB>) {
    this.accounts = new AccountRepository(db);
    this.devices = new DeviceRepository(db);
    this.blobs = new BlobRepository(db);
    this.assets = new AssetRepository(db);
    this.journal = new JournalRepository(db);
    this.derivatives = new DerivativeRepository(db);
    this.jobs = new JobRepository(db);
    this.albums = new AlbumRepository(db);
    this.timeline = new TimelineRepository(db);
  }

  /**
   * Runs fn's reads on one snapshot, so figures read by several queries agree with each other
   * (PostgreSQL: repeatable read; SQLite's transactions always read one snapshot).
   */
  snapshot<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => fn(new Repositories(trx)));
  }

  /** Runs fn in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Repositories(trx)));
  }
}
