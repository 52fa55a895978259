import type { Command } from 'commander';
import { formatStorage } from '../storage-report.js';
import { deviceCommand, signedInApi, withState, type StateOption } from './command.js';

export function registerStorageCommand(program: Command): void {
  deviceCommand(program, 'storage', "Show the account's cloud storage: used of quota, plan, by kind and by device")
    .option('--json', 'machine-readable output')
    .action((opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        const storage = await signedInApi(state).storage();
        console.log(opts.json ? JSON.stringify(storage, null, 2) : formatStorage(storage));
      }),
    );
}
