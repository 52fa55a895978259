import { RESYNC_EVENT, ROUTES } from '@skyroll/protocol';
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { api } from '../api.js';

export type LiveEventType = 'journal' | 'settings' | 'device' | 'account' | 'media';
type Handler = (data: unknown) => void;

const EVENT_TYPES: readonly LiveEventType[] = ['journal', 'settings', 'device', 'account', 'media'];
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The one EventSource of the app, shared by every subscriber. The browser reconnects by itself
 * after a dropped connection, but gives up for good when the server answers with an error (a
 * restart, a 5xx): then we reconnect ourselves, with a growing delay. Whatever happened while
 * disconnected (or while the server's replica missed pokes: `event: resync`) is caught up by a
 * synthetic event of every type: `journal`, `media` without ids (read again what is pending), and
 * `settings`, `device`, `account` (their pages reload).
 */
class LiveEvents {
  private readonly handlers = new Map<LiveEventType, Set<Handler>>();
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private missedSome = false;
  private started = false;
  /** The stream is open: what changes is told, nothing needs polling. */
  private connected = false;
  private readonly connectionListeners = new Set<() => void>();

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.attempts = 0;
    this.missedSome = false;
    this.setConnected(false);
  }

  isConnected = (): boolean => this.connected;

  /** Calls `listener` when the stream opens or drops. */
  subscribeConnection = (listener: () => void): (() => void) => {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  };

  subscribe(type: LiveEventType, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Tells the journal subscribers to look for changes now (after this tab changed something itself). */
  poke(): void {
    this.dispatch('journal', {});
  }

  private connect(): void {
    const source = new EventSource(ROUTES.events, { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.attempts = 0;
      if (this.missedSome) this.catchUp();
      this.missedSome = false;
      this.setConnected(true);
    };
    source.onerror = () => {
      this.missedSome = true;
      this.setConnected(false);
      if (source.readyState !== EventSource.CLOSED || !this.started) return;
      // Refused rather than dropped: a signed-out session shows as a 401 here, which signs the app out.
      api('GET', ROUTES.me).catch(() => {});
      const delay = RETRY_DELAYS_MS[Math.min(this.attempts++, RETRY_DELAYS_MS.length - 1)];
      this.retryTimer = setTimeout(() => {
        if (this.started && this.source === source) this.connect();
      }, delay);
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => this.dispatch(type, parse((event as MessageEvent<string>).data)));
    }
    // The server itself may have missed pokes for a moment (a replica lost touch with the others).
    source.addEventListener(RESYNC_EVENT, () => this.catchUp());
  }

  /**
   * Pokes may have been missed: every subscriber reads again what it shows (a `media` without ids
   * means "what is pending"; settings, device and account subscribers reload).
   */
  private catchUp(): void {
    for (const type of EVENT_TYPES) this.dispatch(type, {});
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of [...this.connectionListeners]) listener();
  }

  private dispatch(type: LiveEventType, data: unknown): void {
    for (const handler of [...(this.handlers.get(type) ?? [])]) handler(data);
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

export const liveEvents = new LiveEvents();

/**
 * Calls `handler` on every server-sent event of `type` while the component is mounted. The handler
 * may change between renders without resubscribing.
 */
export function useLiveEvents(type: LiveEventType, handler: (data: unknown) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => liveEvents.subscribe(type, (data) => latest.current(data)), [type]);
}

/** Whether the event stream is open now (a component polls only while it is not). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(liveEvents.subscribeConnection, liveEvents.isConnected);
}
