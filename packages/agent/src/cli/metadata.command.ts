import type { Command } from 'commander';
import { assetsOfPaths, plural, report, submitChanges } from './metadata-edit.js';
import { deviceCommand, withState, type StateOption } from './command.js';

interface FlagOptions extends StateOption {
  off?: boolean;
}

/** `skyroll favorite PATH… [--off]` and `skyroll hide PATH… [--off]`. */
export function registerMetadataCommands(program: Command): void {
  deviceCommand(program, 'favorite', 'Mark photos and videos of the synced folder as favorites (--off: no longer)')
    .argument('<path...>', 'files (or folders) in the synced folder')
    .option('--off', 'remove them from the favorites')
    .action((paths: string[], opts: FlagOptions) =>
      withState(opts, async (state) => {
        const assetIds = assetsOfPaths(state, paths);
        const favorite = !opts.off;
        const delivery = await submitChanges(state, [{ kind: 'asset', assetIds, favorite }]);
        report(delivery, `${favorite ? 'Marked' : 'Unmarked'} ${plural(assetIds.length, 'item')} as favorite`);
      }),
    );

  deviceCommand(program, 'hide', 'Hide photos and videos of the synced folder from the library views (--off: show them again)')
    .argument('<path...>', 'files (or folders) in the synced folder')
    .option('--off', 'show them again')
    .action((paths: string[], opts: FlagOptions) =>
      withState(opts, async (state) => {
        const assetIds = assetsOfPaths(state, paths);
        const hidden = !opts.off;
        const delivery = await submitChanges(state, [{ kind: 'asset', assetIds, hidden }]);
        report(delivery, `${hidden ? 'Hid' : 'Unhid'} ${plural(assetIds.length, 'item')}`);
      }),
    );
}
