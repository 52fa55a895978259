import { join } from 'node:path';
import { homedir } from 'node:os';
import { AlbumRepository } from './album.repository.js';
import { BaseRepository } from './base.repository.js';
import { openDatabase, type Db } from './database.js';
import { HashCacheRepository } from './hash-cache.repository.js';
import { ItemRepository } from './item.repository.js';
import { MetaRepository } from './meta.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { PlaceholderRepository } from './placeholder.repository.js';
import { RemoteRepository } from './remote.repository.js';
import { UploadRepository } from './upload.repository.js';

/** One state folder = one device = one synced folder. */
export class AgentState {
  readonly meta: MetaRepository;
  readonly base: BaseRepository;
  readonly remote: RemoteRepository;
  readonly hashes: HashCacheRepository;
  readonly uploads: UploadRepository;
  readonly items: ItemRepository;
  readonly placeholders: PlaceholderRepository;
  readonly albums: AlbumRepository;
  readonly outbox: OutboxRepository;

  private constructor(
    readonly dir: string,
    readonly db: Db,
  ) {
    this.meta = new MetaRepository(db);
    this.base = new BaseRepository(db);
    this.remote = new RemoteRepository(db);
    this.hashes = new HashCacheRepository(db);
    this.uploads = new UploadRepository(db);
    this.items = new ItemRepository(db);
    this.placeholders = new PlaceholderRepository(db);
    this.albums = new AlbumRepository(db);
    this.outbox = new OutboxRepository(db);
  }

  static open(dir: string): AgentState {
    return new AgentState(dir, openDatabase(dir));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A transaction that takes the write lock first: read-then-write stays atomic across processes. */
  exclusive<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  get logPath(): string {
    return join(this.dir, 'agent.log');
  }

  close(): void {
    this.db.close();
  }
}

/** `--state DIR`, else SKYROLL_STATE, else ~/.skyroll. */
export function resolveStateDir(option: string | undefined): string {
  return option ?? process.env.SKYROLL_STATE ?? join(homedir(), '.skyroll');
}
