import type { Command } from 'commander';
import { isAbsolute, relative, resolve } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { formatStatus, statusReport } from '../status.js';
import type { AgentState } from '../state/state.js';
import { absentAgentDetail, presenceOf } from '../health/presence.js';
import { unseenFiles } from '../health/unseen.js';
import { deviceMetadata } from '../metadata/device-metadata.js';
import { deviceCommand, withState, type StateOption } from './command.js';

export function registerStatusCommand(program: Command): void {
  deviceCommand(program, 'status', 'Show what is not synced, item by item, and why')
    .argument('[path]', 'only this file or folder')
    .option('--json', 'machine-readable output')
    .action((path: string | undefined, opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        const until = state.meta.pausedUntil();
        const folder = state.meta.folder();
        const absent = absentAgentDetail(presenceOf(state), folder);
        const report = statusReport({
          syncedPaths: state.base.all().map((b) => b.path),
          items: state.items.all(),
          optimizedPaths: state.placeholders.all().map((p) => p.path),
          paused: until ? { detail: `sync is paused ${until === Infinity ? 'until resumed' : `until ${new Date(until).toISOString()}`}; run skyroll resume` } : undefined,
          under: path === undefined ? undefined : relativeToFolder(state, path),
          unseenPaths: (await unseenFiles(state, folder)).map((f) => f.path),
          agentAbsent: absent ? { detail: absent } : undefined,
          metadataOf: deviceMetadata(state).ofPath,
        });
        if (opts.json) return console.log(JSON.stringify(report, null, 2));
        const waiting = report.summary.pending + report.summary.blocked;
        if (absent && waiting > 0) console.log(`Not syncing: ${absent}.\n`);
        console.log(formatStatus(report));
        const unsent = state.outbox.all();
        if (unsent.length > 0) {
          const why = unsent[0].lastError ? ` (last try: ${unsent[0].lastError})` : '';
          console.log(`${unsent.length} metadata change(s) made here (favorite, hidden, albums) not yet in the cloud${why}: the agent sends them.`);
        }
      }),
    );
}

/** PATH as given (absolute, relative to the working directory, or to the synced folder). */
export function relativeToFolder(state: AgentState, path: string): string {
  const folder = state.meta.folder();
  if (!folder) return path;
  const fromCwd = resolve(path);
  if (isAbsolute(path) || existsSync(fromCwd)) {
    const real = existsSync(fromCwd) ? realpathSync(fromCwd) : fromCwd;
    const rel = relative(folder, real);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel === '' ? '.' : rel.split('\\').join('/');
  }
  return path;
}
