import { EventEmitter } from 'node:events';
import type { DeviceHealth, DeviceSettings, StorageInfo } from '@skyroll/protocol';

export type HeadListener = (head: number) => void;

/** Pokes other than the journal head, sent to every stream of the account (`revoked` only ends one). */
export type AccountEvent =
  | { type: 'settings'; data: { deviceId: string; settings: DeviceSettings } }
  | { type: 'account'; data: StorageInfo }
  | { type: 'device'; data: { deviceId: string; health: DeviceHealth } }
  | { type: 'revoked'; data: { deviceId: string } };
export type AccountEventListener = (event: AccountEvent) => void;

/**
 * Pokes devices when an account's journal advances, a device's settings or health change, the
 * account's storage changes (plan, trash emptied) or a device is signed out. In-process for the embedded default; several replicas
 * would share one over PostgreSQL LISTEN/NOTIFY.
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
    this.emitter.emit(accountId, head);
  }

  subscribeHead(accountId: string, listener: HeadListener): () => void {
    this.emitter.on(accountId, listener);
    return () => this.emitter.off(accountId, listener);
  }

  publish(accountId: string, event: AccountEvent): void {
    this.emitter.emit(`${accountId}:event`, event);
  }

  subscribe(accountId: string, listener: AccountEventListener): () => void {
    this.emitter.on(`${accountId}:event`, listener);
    return () => this.emitter.off(`${accountId}:event`, listener);
  }
}
