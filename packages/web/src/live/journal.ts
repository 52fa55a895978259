import { ROUTES, type JournalEntry, type JournalPage } from '@skyroll/protocol';
import { api } from '../api.js';
import { liveEvents } from './events.js';

/** What changed since the last look: the entries, or `reset` when too much did to list it. */
export type LibraryChanges = { entries: JournalEntry[] } | 'reset';
type Listener = (changes: LibraryChanges) => void;

const DEBOUNCE_MS = 150;
/** More changes than this at once (an import from an agent): cheaper to reload what is shown. */
const MAX_PAGES = 4;
const PAGE_SIZE = 500;

/**
 * Follows the account's journal for the views on screen: a `journal` poke (several in a burst
 * count once) reads the entries after the cursor and hands them to every listener, which then
 * refetches just what those entries touch.
 */
class JournalFollower {
  private readonly listeners = new Set<Listener>();
  private cursor: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | null = null;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.unsubscribe) {
      this.unsubscribe = liveEvents.subscribe('journal', () => this.schedule());
      void this.readHead();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.cursor = null;
      }
    };
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.read().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.run();
      }
    });
    await this.running;
  }

  /** Where "now" is, so that the first poke lists only what changed after the views loaded. */
  private async readHead(): Promise<void> {
    try {
      const page = await api<JournalPage>('GET', `${ROUTES.journal}?after=0&limit=1`);
      this.cursor ??= page.head;
    } catch {
      // Unknown: the first poke reloads what is shown.
    }
  }

  private async read(): Promise<void> {
    if (this.cursor === null) {
      await this.readHead();
      return this.emit('reset', null);
    }
    const entries: JournalEntry[] = [];
    let cursor = this.cursor;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await api<JournalPage>('GET', `${ROUTES.journal}?after=${cursor}&limit=${PAGE_SIZE}`);
        entries.push(...result.entries);
        cursor = result.cursor;
        if (!result.more) return this.emit({ entries }, cursor);
      }
      const head = await api<JournalPage>('GET', `${ROUTES.journal}?after=0&limit=1`);
      this.emit('reset', head.head);
    } catch {
      // The cursor stays: the next poke reads the same changes again.
      this.emit('reset', null);
    }
  }

  private emit(changes: LibraryChanges, cursor: number | null): void {
    if (cursor !== null) this.cursor = cursor;
    if (changes !== 'reset' && changes.entries.length === 0) return;
    for (const listener of [...this.listeners]) listener(changes);
  }
}

export const journalFollower = new JournalFollower();
