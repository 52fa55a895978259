/** What every device command shares: `--state`, one-line errors, exit codes (1 error, 2 usage). */
import { Command, CommanderError } from 'commander';
import { AgentState, resolveStateDir } from '../state/state.js';
import { ApiClient } from '../transfer/api-client.js';
import { AgentError } from './agent-error.js';
import { exitCodeOf, messageOf } from './messages.js';

export interface StateOption {
  state?: string;
}

export function deviceCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--state <dir>', 'state folder of this device (env SKYROLL_STATE; default ~/.skyroll)')
    .exitOverride((err: CommanderError) => {
      if (err.exitCode === 0) process.exit(0);
      process.exit(2);
    });
}

/** Runs a command body with its state open; prints expected errors as one line. */
export async function withState<T>(opts: StateOption, body: (state: AgentState) => Promise<T>): Promise<T> {
  let state: AgentState | undefined;
  try {
    state = AgentState.open(resolveStateDir(opts.state));
    return await body(state);
  } catch (err) {
    state?.close();
    state = undefined;
    console.error(`skyroll: ${messageOf(err)}`);
    if (process.env.SKYROLL_DEBUG) console.error(err);
    return process.exit(exitCodeOf(err));
  } finally {
    state?.close();
  }
}

export function usageError(message: string): AgentError {
  return new AgentError(message, 2);
}

/** The API client of the signed-in device, or a clear error when there is none. */
export function signedInApi(state: AgentState): ApiClient {
  const login = state.meta.login();
  if (!login) throw new AgentError('This device is not signed in: run `skyroll login --server URL --email E --device NAME --password-stdin`.');
  return new ApiClient(login.server, login.token);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
