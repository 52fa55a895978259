import type { Command } from 'commander';
import { formatBytes } from '../policy/rules.js';
import { AgentLog } from '../sync/agent-log.js';
import { fetchOriginal } from '../sync/optimizer.js';
import { AgentError } from './agent-error.js';
import { deviceCommand, signedInApi, withState, type StateOption } from './command.js';
import { relativeToFolder } from './status.command.js';

export function registerFetchCommand(program: Command): void {
  deviceCommand(program, 'fetch', 'Bring back the original of an item Optimize Storage keeps as a preview')
    .argument('<path>', 'the file (absolute, relative to the working directory, or to the synced folder)')
    .action((path: string, opts: StateOption) =>
      withState(opts, async (state) => {
        const api = signedInApi(state);
        const folder = state.meta.folder();
        if (!folder) throw new AgentError('This device syncs no folder yet: run `skyroll sync DIR` first.');
        const rel = relativeToFolder(state, path);
        const { size } = await fetchOriginal(state, api, folder, rel, new AgentLog(state.logPath));
        console.log(`Fetched the original of ${rel} (${formatBytes(size)}).`);
      }),
    );
}
