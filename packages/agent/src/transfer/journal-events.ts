/**
 * The server's SSE stream, reconnecting with backoff: journal pokes (`event: journal`,
 * `{"head":N}`), a device's new settings (`event: settings`), the account's storage (`event: account`).
 */
import { AccountPoke, JournalPoke, RESYNC_EVENT, SettingsPoke, type DeviceSettings, type StorageInfo } from '@skyroll/protocol';
import { createParser } from 'eventsource-parser';
import type { ApiClient } from './api-client.js';

export interface PokeHandlers {
  onPoke: (head: number) => void;
  onConnection: (connected: boolean, error?: unknown) => void;
  onSettings?: (deviceId: string, settings: DeviceSettings) => void;
  onAccount?: (storage: StorageInfo) => void;
  /** The server may have missed pokes for a moment (`event: resync`): read what they carry again. */
  onResync?: () => void;
}

export async function followJournalPokes(api: ApiClient, handlers: PokeHandlers, signal: AbortSignal): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const res = await api.events(signal);
      handlers.onConnection(true);
      delay = 500;
      const parser = createParser({
        onEvent: (event) => {
          if (event.event === 'journal') {
            const poke = JournalPoke.safeParse(safeJson(event.data));
            if (poke.success) handlers.onPoke(poke.data.head);
          } else if (event.event === 'settings') {
            const poke = SettingsPoke.safeParse(safeJson(event.data));
            if (poke.success) handlers.onSettings?.(poke.data.deviceId, poke.data.settings);
          } else if (event.event === 'account') {
            const poke = AccountPoke.safeParse(safeJson(event.data));
            if (poke.success) handlers.onAccount?.(poke.data);
          } else if (event.event === RESYNC_EVENT) {
            handlers.onResync?.();
          }
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      if (!signal.aborted) handlers.onConnection(false);
    } catch (err) {
      if (signal.aborted) return;
      handlers.onConnection(false, err);
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 5_000);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
