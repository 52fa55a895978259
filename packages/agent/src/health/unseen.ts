import { existsSync } from 'node:fs';
import { listCandidates, sameIdentity } from '../scan/scanner.js';
import type { AgentState } from '../state/state.js';

/**
 * Files the agent has not taken in: new, or changed since they were last in sync, and not yet in
 * its list of items. Only stat() is used: cheap enough for `status` and `doctor` to run each time.
 */
export async function unseenFiles(state: AgentState, folder: string | undefined): Promise<{ path: string; size: number }[]> {
  if (!folder || !existsSync(folder)) return [];
  const base = new Map(state.base.all().map((b) => [b.path, b]));
  const known = new Set(state.items.all().map((i) => i.path));
  for (const p of state.placeholders.all()) known.add(p.path);
  return (await listCandidates(folder))
    .filter((f) => !known.has(f.path))
    .filter((f) => {
      const synced = base.get(f.path);
      return !synced || !sameIdentity(synced, f);
    })
    .map((f) => ({ path: f.path, size: f.size }));
}
