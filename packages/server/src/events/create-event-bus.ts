import type { DatabaseConfig } from '../config.js';
import { PgUploadLocker } from '../stores/pg-upload-locker.js';
import { MemoryUploadLocker, type UploadLocker } from '../stores/upload-store.js';
import { InProcessEventBus, type EventBus } from './event-bus.js';
import { PgEventBus } from './pg-event-bus.js';
import { PgSession, type PgSessionLog } from './pg-session.js';

/**
 * What one server shares with the other replicas besides the database rows: pokes (the event
 * bus) and the locks of unfinished uploads. Both ride on one PostgreSQL session per replica.
 */
export interface ReplicaEventBus extends EventBus {
  /** For UploadStore: tus's Locker, and the claim on an upload to finish or sweep. */
  readonly uploadLocker: UploadLocker;
  close(): Promise<void>;
}

/** Pokes within this process (one server), or between replicas over the shared database. */
export async function createEventBus(config: DatabaseConfig, log?: PgSessionLog): Promise<ReplicaEventBus> {
  if (config.kind === 'sqlite') {
    return Object.assign(new InProcessEventBus(), { uploadLocker: new MemoryUploadLocker(), close: async () => {} });
  }
  const session = await PgSession.open(config.url, { log });
  const bus = Object.assign(new PgEventBus(session, log), { uploadLocker: new PgUploadLocker(session), close: () => session.close() });
  await session.ready();
  return bus;
}
