import type { Command } from 'commander';
import { formatDevices } from '../devices-report.js';
import { deviceCommand, signedInApi, usageError, withState, type StateOption } from './command.js';

export function registerDevicesCommand(program: Command): void {
  deviceCommand(program, 'devices', "List the account's devices with their settings and sync health, or sign one out")
    .argument('[action]', 'list (default) or revoke')
    .argument('[id]', 'device id to sign out (revoke)')
    .option('--json', 'machine-readable output (list)')
    .action((action: string | undefined, id: string | undefined, opts: StateOption & { json?: boolean }) =>
      withState(opts, async (state) => {
        const api = signedInApi(state);
        if (action === undefined || action === 'list') {
          const { devices } = await api.devices();
          console.log(opts.json ? JSON.stringify({ devices }, null, 2) : formatDevices(devices, state.meta.login()?.deviceId));
          return;
        }
        if (action === 'revoke') {
          if (!id) throw usageError('usage: skyroll devices revoke ID');
          await api.revokeDevice(id);
          console.log(`Signed out device ${id}: its token no longer works; it must sign in again (skyroll login).`);
          return;
        }
        throw usageError(`unknown devices action: ${action} (expected list or revoke ID)`);
      }),
    );
}
