import type { DatabaseConfig } from '../config.js';
import { InProcessEventBus, type EventBus } from './event-bus.js';

/** Pokes within this process (one server), or between replicas over the shared database. */
export async function createEventBus(config: DatabaseConfig): Promise<EventBus & { close(): Promise<void> }> {
  if (config.kind === 'sqlite') return Object.assign(new InProcessEventBus(), { close: async () => {} });
  throw new Error('events between replicas are not supported yet');
}
