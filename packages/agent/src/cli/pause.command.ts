import type { Command } from 'commander';
import { deviceCommand, usageError, withState, type StateOption } from './command.js';
import { parseDuration } from './duration.js';

export function registerPauseCommands(program: Command): void {
  deviceCommand(program, 'pause', 'Pause sync on this device (a running agent stops within a second)')
    .option('--for <duration>', 'how long, e.g. 30m, 2h, 1d (default: until `skyroll resume`)')
    .action((opts: StateOption & { for?: string }) =>
      withState(opts, async (state) => {
        let until = Infinity;
        if (opts.for !== undefined) {
          const ms = parseDuration(opts.for);
          if (ms === undefined) throw usageError(`not a duration: ${opts.for} (examples: 30m, 2h, 1d)`);
          until = Date.now() + ms;
        }
        state.meta.setPausedUntil(until);
        console.log(until === Infinity ? 'Sync paused until `skyroll resume`.' : `Sync paused until ${new Date(until).toISOString()}.`);
      }),
    );

  deviceCommand(program, 'resume', 'Resume sync on this device')
    .action((opts: StateOption) =>
      withState(opts, async (state) => {
        state.meta.setPausedUntil(0);
        console.log('Sync resumed.');
      }),
    );
}
