import type { Command } from 'commander';
import { deviceCommand, usageError, withState, type StateOption } from './command.js';
import { parseDuration } from './duration.js';

/** How long "Sync Now" lifts the waiting rules. */
const SYNC_NOW_MS = 3_600_000;

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

  deviceCommand(program, 'sync-now', '"Sync Now": lift the waiting rules (mobile-data size limit, power) for an hour')
    .option('--cancel', 'end it now')
    .action((opts: StateOption & { cancel?: boolean }) =>
      withState(opts, async (state) => {
        if (opts.cancel) {
          state.meta.setOverrideUntil(0);
          return console.log('Sync Now ended: the waiting rules apply again.');
        }
        const until = Date.now() + SYNC_NOW_MS;
        state.meta.setOverrideUntil(until);
        const paused = state.meta.pausedUntil() > 0 ? ' Sync is paused: `skyroll resume` to sync.' : '';
        console.log(`Syncing now: large originals on mobile data and low power no longer wait, until ${new Date(until).toISOString()}.${paused}`);
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
