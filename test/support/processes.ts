/** Running the real `skyroll` CLI as child processes: one-shot commands and long-lived ones. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_PATH = join(REPO_ROOT, 'packages/cli/bin/skyroll.mjs');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Every live child process, so a dying test run can still kill them. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

function baseEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SKYROLL_LOG_LEVEL: 'warn',
    // Tests are never on a metered network or battery unless they say so.
    SKYROLL_NETWORK: 'ethernet',
    SKYROLL_POWER: 'ac',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
}

export function spawnCli(args: string[], env?: Record<string, string | undefined>): ChildProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: REPO_ROOT,
    env: baseEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/** Runs one CLI command to its end; never rejects on a non-zero exit (tests assert the code). */
export async function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawnCli(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => {}); // the command may exit before reading stdin
  child.stdin!.end(options.stdin ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  // 'close', not 'exit': stdout is complete only once its pipe has closed.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) =>
    child.once('close', (c, sig) => res([c, sig])),
  );
  clearTimeout(timer);
  if (timedOut) {
    throw new Error(
      `skyroll ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
    );
  }
  return { code, signal, stdout, stderr };
}

/** Like runCli, but fails with the command's output unless it exits with `expectCode`. */
export async function runCliOk(args: string[], options: RunOptions & { expectCode?: number } = {}): Promise<RunResult> {
  const result = await runCli(args, options);
  const expected = options.expectCode ?? 0;
  if (result.code !== expected) {
    throw new Error(`skyroll ${args.join(' ')} exited ${result.code ?? result.signal}, expected ${expected}\n${describeRun(result)}`);
  }
  return result;
}

export function describeRun(r: RunResult): string {
  return `exit ${r.code ?? r.signal}\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`;
}

export function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

export function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode as NodeJS.Signals | null]);
  }
  return new Promise((res) => child.once('exit', (code, signal) => res([code, signal])));
}

/** Sends `signal`; after `graceMs` without an exit, SIGKILL. Resolves once the process is gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill(signal);
  if (signal === 'SIGKILL') {
    await exited;
    return;
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
