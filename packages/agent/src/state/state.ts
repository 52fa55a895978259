import { join } from 'node:path';
import { homedir } from 'node:os';
import { BaseRepository } from './base.repository.js';
import { openDatabase, type Db } from './database.js';
import { HashCacheRepository } from './hash-cache.repository.js';
import { ItemRepository } from './item.repository.js';
import { MetaRepository } from './meta.repository.js';
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
  }

  static open(dir: string): AgentState {
    return new AgentState(dir, openDatabase(dir));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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
