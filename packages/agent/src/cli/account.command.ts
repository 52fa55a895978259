import type { Command } from 'commander';
import { hostname } from 'node:os';
import { folderAccount, mismatchDetail } from '../sync/folder.js';
import { ApiClient } from '../transfer/api-client.js';
import { deviceCommand, readStdin, usageError, withState, type StateOption } from './command.js';

interface Credentials extends StateOption {
  server?: string;
  email: string;
  passwordStdin?: boolean;
  device?: string;
}

export function registerAccountCommands(program: Command): void {
  deviceCommand(program, 'signup', 'Create an account on a Skyroll server')
    .option('--server <url>', 'server address, e.g. http://127.0.0.1:8437')
    .requiredOption('--email <email>', 'account email')
    .option('--password-stdin', 'read the password from standard input')
    .action((opts: Credentials) =>
      withState(opts, async (state) => {
        const server = serverOf(opts.server ?? state.meta.server());
        const password = await passwordOf(opts);
        const account = await new ApiClient(server).signup(opts.email, password);
        state.meta.set('server', server);
        console.log(`Account created for ${account.email}. Sign this device in with: skyroll login --server ${server} --email ${account.email} --device NAME --password-stdin`);
      }),
    );

  deviceCommand(program, 'login', 'Sign this device in (one state folder = one device)')
    .option('--server <url>', 'server address, e.g. http://127.0.0.1:8437')
    .requiredOption('--email <email>', 'account email')
    .option('--device <name>', 'a name for this device', hostname())
    .option('--password-stdin', 'read the password from standard input')
    .action((opts: Credentials) =>
      withState(opts, async (state) => {
        const server = serverOf(opts.server ?? state.meta.server());
        const password = await passwordOf(opts);
        const login = await new ApiClient(server).login(opts.email, password, opts.device ?? hostname());
        const previous = state.meta.login();
        state.transaction(() => {
          // Another account's library is not this one: forget what was read of it.
          if (previous && previous.accountId !== login.accountId) resetLibrary(state);
          state.meta.setLogin({ server, token: login.token, accountId: login.accountId, deviceId: login.deviceId, email: login.email });
        });
        console.log(`Signed in as ${login.email} (device ${opts.device}, id ${login.deviceId}).`);
        // Signing in again replaces this device's earlier session, as on a phone: it would otherwise
        // stay in the device list, stale, with a token nobody uses.
        if (previous && previous.server === server && previous.accountId === login.accountId && previous.deviceId !== login.deviceId) {
          await new ApiClient(server, login.token)
            .revokeDevice(previous.deviceId)
            .catch((err: unknown) => console.error(`Warning: the earlier session of this device (id ${previous.deviceId}) is still signed in: ${String(err)}`));
        }
        const folder = state.meta.folder();
        const owner = folder ? folderAccount(state, folder) : undefined;
        if (folder && owner && owner.accountId !== login.accountId) {
          console.error(`Warning: ${mismatchDetail(owner, state.meta.login()!, folder)}.`);
        }
      }),
    );
}

function resetLibrary(state: import('../state/state.js').AgentState): void {
  state.db.exec('DELETE FROM remote_asset; DELETE FROM base; DELETE FROM pending_upload; DELETE FROM item;');
  state.meta.setCursor(0);
}

function serverOf(server: string | undefined): string {
  if (!server) throw usageError('--server URL is required (e.g. --server http://127.0.0.1:8437)');
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return url.toString().replace(/\/$/, '');
  } catch {
    throw usageError(`not a server address: ${server} (expected http://HOST:PORT)`);
  }
}

async function passwordOf(opts: Credentials): Promise<string> {
  if (!opts.passwordStdin && process.stdin.isTTY) throw usageError('give the password on standard input with --password-stdin');
  const password = await readStdin();
  if (!password) throw usageError('no password on standard input');
  return password;
}
