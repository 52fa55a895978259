import type { JournalEntry } from '@skyroll/protocol';
import type { ApiClient } from '../transfer/api-client.js';
import type { AgentState } from '../state/state.js';

/**
 * Reads the journal after the stored cursor, page by page. Each page's remote assets and the
 * cursor that follows them are written in one transaction, so a crash never skips or
 * half-applies a page. Returns the number of entries applied.
 */
export async function pullJournal(api: ApiClient, state: AgentState, seen: (entry: JournalEntry) => void = () => {}): Promise<number> {
  let applied = 0;
  for (;;) {
    const page = await api.journal(state.meta.cursor());
    state.transaction(() => {
      for (const entry of page.entries) {
        seen(entry);
        if (entry.type === 'asset.purged' || entry.asset === null) state.remote.delete(entry.assetId);
        else state.remote.put(entry.asset);
      }
      state.meta.setCursor(page.cursor);
    });
    applied += page.entries.length;
    if (!page.more || page.entries.length === 0) return applied;
  }
}
