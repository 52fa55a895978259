import { EventEmitter } from 'node:events';

export type HeadListener = (head: number) => void;

/**
 * Pokes devices when an account's journal advances. In-process for the embedded default;
 * several replicas would share one over PostgreSQL LISTEN/NOTIFY.
 */
export interface EventBus {
  publishHead(accountId: string, head: number): void;
  /** Returns the function that unsubscribes. */
  subscribeHead(accountId: string, listener: HeadListener): () => void;
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
}
