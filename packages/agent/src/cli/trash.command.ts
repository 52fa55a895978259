import type { Command } from 'commander';
import { formatBytes } from '../policy/rules.js';
import { deviceCommand, signedInApi, usageError, withState, type StateOption } from './command.js';

export function registerTrashCommand(program: Command): void {
  deviceCommand(program, 'trash', 'List the cloud trash ("Recently Deleted"), restore an item from it, or empty it')
    .argument('[action]', 'list (default), restore or empty')
    .argument('[id]', 'asset id to restore')
    .option('--json', 'machine-readable output (list)')
    .action((action: string | undefined, id: string | undefined, opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        const api = signedInApi(state);
        if (action === undefined || action === 'list') {
          const { assets } = await api.trashList();
          if (opts.json) return console.log(JSON.stringify({ assets }, null, 2));
          for (const a of assets) console.log(`${a.id}  ${a.path}  deleted ${new Date(a.trashedAt ?? 0).toISOString()}`);
          console.log(`${assets.length} item(s) in the trash`);
          return;
        }
        if (action === 'restore') {
          if (!id) throw usageError('usage: skyroll trash restore ID');
          await api.restore([id]);
          console.log(`Restored ${id}; it comes back on every device.`);
          return;
        }
        if (action === 'empty') {
          const { count, freedBytes } = await api.emptyTrash();
          if (opts.json) return console.log(JSON.stringify({ count, freedBytes }));
          console.log(count ? `Emptied the trash: ${count} item(s) deleted for good, ${formatBytes(freedBytes)} freed.` : 'The trash was already empty.');
          return;
        }
        throw usageError(`unknown trash action: ${action} (expected list, restore ID or empty)`);
      }),
    );
}
