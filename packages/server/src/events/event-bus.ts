import { EventEmitter } from 'node:events';
import type { DeviceHealth, DeviceSettings, MediaPoke, StorageInfo } from '@skyroll/protocol';

/**
 * The account's journal head moved to `head`; undefined: pokes may have been missed (the link
 * between replicas was down a moment), so read the head again.
 */
export type HeadListener = (head: number | undefined) => void;

/** Pokes other than the journal head, sent to every stream of the account (`revoked` only ends one). */
export type AccountEvent =
  | { type: 'settings'; data: { deviceId: string; settings: DeviceSettings } }
  | { type: 'account'; data: StorageInfo }
  | { type: 'device'; data: { deviceId: string; health: DeviceHealth } }
  | { type: 'media'; data: MediaPoke }
  | { type: 'revoked'; data: { deviceId: string } };
export type AccountEventListener = (event: AccountEvent) => void;

/**
 * Pokes devices when an account's journal advances, a device's settings or health change, the
 * account's storage changes (plan, trash emptied), an original's thumbnail and preview are made or
 * given up on, or a device is signed out. In-process for the
 * embedded default; replicas share theirs over PostgreSQL LISTEN/NOTIFY (PgEventBus).
 */
export interface EventBus {
  publishHead(accountId: string, head: number): void;
  /** Returns the function that unsubscribes. */
  subscribeHead(accountId: string, listener: HeadListener): () => void;
  publish(accountId: string, event: AccountEvent): void;
  subscribe(accountId: string, listener: AccountEventListener): () => void;
}

export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per connected device; the default cap of 10 is a leak detector, not a limit.
    this.emitter.setMaxListeners(0);
  }

  publishHead(accountId: string, head: number): void {
    this.emitter.emit(`head:${accountId}`, head);
  }

  subscribeHead(accountId: string, listener: HeadListener): () => void {
    this.emitter.on(`head:${accountId}`, listener);
    return () => this.emitter.off(`head:${accountId}`, listener);
  }

  publish(accountId: string, event: AccountEvent): void {
    this.emitter.emit(`event:${accountId}`, event);
  }

  subscribe(accountId: string, listener: AccountEventListener): () => void {
    this.emitter.on(`event:${accountId}`, listener);
    return () => this.emitter.off(`event:${accountId}`, listener);
  }

  /** Tells every head listener that pokes may have been missed: each reads its head again. */
  resync(): void {
    for (const name of this.emitter.eventNames()) {
      if (typeof name === 'string' && name.startsWith('head:')) this.emitter.emit(name, undefined);
    }
  }
}
