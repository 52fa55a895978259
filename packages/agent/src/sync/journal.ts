import type { JournalEntry } from '@skyroll/protocol';
import type { ApiClient } from '../transfer/api-client.js';
import type { AgentState } from '../state/state.js';

/**
 * Reads the journal after the stored cursor, page by page. Each page's remote assets (and albums)
 * and the cursor that follows them are written in one transaction, so a crash never skips or
 * half-applies a page. A page read while another process (a command) moved the cursor is not
 * applied: it is read again from the new cursor. Returns the number of entries applied.
 */
export async function pullJournal(
  api: ApiClient,
  state: AgentState,
  seen: (entry: JournalEntry) => void = () => {},
  signal?: AbortSignal,
): Promise<number> {
  let applied = 0;
  for (;;) {
    const after = state.meta.cursor();
    const page = await api.journal(after, undefined, signal);
    const fresh = state.exclusive(() => {
      if (state.meta.cursor() !== after) return false;
      for (const entry of page.entries) {
        seen(entry);
        applyEntry(state, entry);
      }
      state.meta.setCursor(page.cursor);
      return true;
    });
    if (!fresh) continue;
    applied += page.entries.length;
    if (!page.more || page.entries.length === 0) return applied;
  }
}

/** One entry into the state: an album entry changes only the albums, never an asset. */
export function applyEntry(state: AgentState, entry: JournalEntry): void {
  if (entry.type === 'album.updated' || entry.type === 'album.deleted') {
    if (entry.album) state.albums.put(entry.album);
    return;
  }
  if (entry.assetId === null) return;
  if (entry.type === 'asset.purged' || entry.asset === null) state.remote.delete(entry.assetId);
  else state.remote.put(entry.asset);
}
