/**
 * End-to-end harness: real `skyroll server` and `skyroll sync` processes over real HTTP on temp
 * folders. Everything a test starts is registered here and torn down by `cleanup()` (call it in
 * afterAll), and SIGKILLed on process exit if a test run dies first.
 *
 * Set SKYROLL_E2E_KEEP=1 to keep temp folders (paths are printed) for a post-mortem.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './api.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_PATH = join(REPO_ROOT, 'packages/cli/bin/skyroll.mjs');
const RESERVED_DIR = '.skyroll';
const KEEP = process.env.SKYROLL_E2E_KEEP === '1';

// ---- processes ----

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

function spawnCli(args: string[], env?: Record<string, string | undefined>): ChildProcess {
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
  const [code, signal] = await exitOf(child);
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

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode as NodeJS.Signals | null]);
  }
  return new Promise((res) => child.once('exit', (code, signal) => res([code, signal])));
}

/** Sends `signal`; after `graceMs` without an exit, SIGKILL. Resolves once the process is gone. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 5_000): Promise<void> {
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

// ---- the harness ----

export interface Device {
  name: string;
  /** One state folder is one device. */
  stateDir: string;
  /** The folder this device keeps in sync (its camera roll). */
  syncDir: string;
  account: Account;
}

export interface Account {
  email: string;
  password: string;
  devices: Device[];
}

export class Harness {
  private readonly dirs: string[] = [];
  private readonly servers: SkyrollServer[] = [];
  private readonly agents: Agent[] = [];
  private accountCount = 0;

  /** `root`: where temp folders go (default: the OS temp folder). */
  constructor(private readonly options: { root?: string } = {}) {}

  async tempDir(label: string): Promise<string> {
    const root = this.options.root ?? tmpdir();
    await mkdir(root, { recursive: true });
    const dir = await mkdtemp(join(root, `skyroll-e2e-${label}-`));
    this.dirs.push(dir);
    return dir;
  }

  async startServer(options: { env?: Record<string, string | undefined> } = {}): Promise<SkyrollServer> {
    const dataDir = await this.tempDir('server');
    const server = new SkyrollServer(dataDir, options.env ?? {});
    this.servers.push(server);
    await server.start();
    return server;
  }

  /**
   * Signs up a fresh account and logs in `deviceCount` devices (A, B, C, …), in parallel.
   * Signs up over HTTP unless `signup: 'cli'`: a CLI start costs seconds, and the signup command
   * needs testing only once.
   */
  async createAccount(
    server: SkyrollServer,
    deviceCount: number,
    label = 'acct',
    options: { signup?: 'cli' | 'api' } = {},
  ): Promise<Account> {
    const n = ++this.accountCount;
    const account: Account = {
      email: `${label}-${n}-${process.pid}@example.test`.toLowerCase(),
      password: `correct horse battery ${n}`,
      devices: [],
    };
    if (options.signup !== 'cli') {
      await ApiClient.signup(server.url, account.email, account.password);
    } else {
      const signup = await runCli(['signup', '--server', server.url, '--email', account.email, '--password-stdin'], {
        stdin: `${account.password}\n`,
        env: { SKYROLL_STATE: await this.tempDir('signup-state') },
      });
      if (signup.code !== 0) throw new Error(`signup of ${account.email} failed\n${describeRun(signup)}`);
    }
    const names = Array.from({ length: deviceCount }, (_, i) => String.fromCharCode(65 + i));
    account.devices.push(...(await Promise.all(names.map((name) => this.addDevice(server, account, name)))));
    return account;
  }

  /** Logs one more device into `account`, with its own state and sync folders. */
  async addDevice(server: SkyrollServer, account: Account, name: string): Promise<Device> {
    const device: Device = {
      name,
      stateDir: await this.tempDir(`state-${name}`),
      syncDir: await this.tempDir(`photos-${name}`),
      account,
    };
    await runCliOk(
      ['login', '--state', device.stateDir, '--server', server.url, '--email', account.email, '--device', `device-${name}`, '--password-stdin'],
      { stdin: `${account.password}\n` },
    );
    return device;
  }

  /** `skyroll sync DIR --once` for a device; returns the result whatever the exit code. */
  syncOnce(device: Device, extraArgs: string[] = [], options: RunOptions = {}): Promise<RunResult> {
    return runCli(['sync', device.syncDir, '--state', device.stateDir, '--once', ...extraArgs], {
      timeoutMs: 120_000,
      ...options,
    });
  }

  /** `sync --once` that must exit 0. */
  async syncOnceOk(device: Device, extraArgs: string[] = [], options: RunOptions = {}): Promise<RunResult> {
    const r = await this.syncOnce(device, extraArgs, options);
    if (r.code !== 0) throw new Error(`sync --once on device ${device.name} exited ${r.code ?? r.signal}\n${describeRun(r)}`);
    return r;
  }

  /** Runs a device command (`status`, `trash`, …) with the device's --state. */
  device(device: Device, args: string[], options: RunOptions = {}): Promise<RunResult> {
    return runCli([...args, '--state', device.stateDir], options);
  }

  async status(device: Device, path?: string): Promise<StatusReport> {
    const r = await runCliOk(['status', ...(path ? [path] : []), '--json', '--state', device.stateDir]);
    try {
      return JSON.parse(r.stdout) as StatusReport;
    } catch {
      throw new Error(`status --json on device ${device.name} printed no JSON\n${describeRun(r)}`);
    }
  }

  /** Starts a long-running `skyroll sync DIR` (watcher + pokes) for a device. */
  startAgent(device: Device, options: { args?: string[]; env?: Record<string, string | undefined> } = {}): Agent {
    const agent = new Agent(device, options.args ?? [], options.env ?? {});
    this.agents.push(agent);
    agent.start();
    return agent;
  }

  /** The tail of what every server and agent printed, for a post-mortem. */
  outputs(): string {
    const parts = this.servers.map((s) => `--- server ${s.url}\n${tail(s.log, 3000)}`);
    for (const a of this.agents) parts.push(`--- agent ${a.device.account.email} ${a.device.name} exits=${JSON.stringify(a.exits)}\n${tail(a.log, 3000)}`);
    return parts.join('\n');
  }

  /** Kills every process and removes every temp folder; safe to call twice. */
  async cleanup(): Promise<void> {
    if (process.env.SKYROLL_E2E_VERBOSE === '1') console.log(this.outputs());
    await Promise.all(this.agents.map((a) => a.kill()));
    await Promise.all(this.servers.map((s) => s.kill()));
    this.agents.length = 0;
    this.servers.length = 0;
    const dirs = this.dirs.splice(0);
    if (KEEP) {
      console.log(`SKYROLL_E2E_KEEP: kept\n  ${dirs.join('\n  ')}`);
      return;
    }
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 3 })));
  }
}

export interface StatusItem {
  path: string;
  state: 'synced' | 'pending' | 'uploading' | 'downloading' | 'optimized' | 'blocked' | 'failed' | 'excluded' | string;
  reason: string | null;
  detail: string | null;
}

export interface StatusReport {
  summary: { synced: number; pending: number; blocked: number; failed: number };
  items: StatusItem[];
}

// ---- server ----

export class SkyrollServer {
  url = '';
  port = 0;
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** Starts on `port` (0 = any free port) and waits for "listening on URL". */
  async start(port = this.port): Promise<void> {
    if (this.running) throw new Error('server already running');
    const child = spawnCli(['server', '--data', this.dataDir, '--host', '127.0.0.1', '--port', String(port)], this.env);
    this.child = child;
    this.output = '';
    const url = await new Promise<string>((res, rej) => {
      let stdout = '';
      const timer = setTimeout(() => {
        rej(new Error(`server did not print its URL within 30 s\n${tail(this.output)}`));
        child.kill('SIGKILL');
      }, 30_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        this.output += d;
        const m = /Skyroll server listening on (http:\/\/[^\s]+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          res(m[1].replace(/\/$/, ''));
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        rej(new Error(`server exited (${code ?? signal}) before listening\n${tail(this.output)}`));
      });
    });
    this.url = url;
    this.port = Number(new URL(url).port);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the server printed since its last start (for failure messages). */
  get log(): string {
    return this.output;
  }

  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }

  /**
   * Starts again on the same data folder and the same port, so devices need no re-pointing.
   * The port is free as soon as the old process is gone; retry briefly in case it is not yet.
   */
  async restart(options: { kill?: boolean } = {}): Promise<void> {
    await (options.kill === false ? this.stop() : this.kill());
    const port = this.port;
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await this.start(port);
        return;
      } catch (err) {
        lastError = err;
        await sleep(500);
      }
    }
    throw new Error(`server could not restart on port ${port}: ${String(lastError)}`);
  }
}

// ---- agent ----

export class Agent {
  private child: ChildProcess | undefined;
  private output = '';
  exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = [];

  constructor(
    readonly device: Device,
    private readonly args: string[],
    private readonly env: Record<string, string | undefined>,
  ) {}

  start(env: Record<string, string | undefined> = {}): void {
    if (this.running) throw new Error(`agent ${this.device.name} already running`);
    const child = spawnCli(['sync', this.device.syncDir, '--state', this.device.stateDir, ...this.args], { ...this.env, ...env });
    this.child = child;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    child.stdin!.end();
    child.once('exit', (code, signal) => this.exits.push({ code, signal }));
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** kill -9: no chance to clean up, as in a crash or a pulled battery. */
  async kill(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGKILL');
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }

  async restart(env: Record<string, string | undefined> = {}): Promise<void> {
    await this.kill();
    this.start(env);
  }
}

// ---- waiting and comparing ----

export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/**
 * Polls `predicate` until it returns a truthy value (returned) or `timeoutMs` passes; then fails
 * saying what was awaited, the last error the predicate threw, and `explain()` if given.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  options: { intervalMs?: number; explain?: () => string | Promise<string> } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(options.intervalMs ?? 200);
  }
  let message = `Timed out after ${timeoutMs} ms waiting for ${what}`;
  if (lastError) message += `\nlast error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  if (options.explain) {
    try {
      message += `\n${await options.explain()}`;
    } catch (err) {
      message += `\n(explain failed: ${String(err)})`;
    }
  }
  throw new Error(message);
}

export type Tree = Map<string, string>;

/** relative path ('/'-separated, names as stored on disk) → sha256, ignoring `.skyroll`. */
export async function hashTree(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name === RESERVED_DIR) continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) await walk(abs, rel);
      else if (entry.isFile()) {
        try {
          tree.set(rel, await hashFile(abs));
        } catch (err) {
          // Renamed or deleted while we walked: the caller polls again.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    }
  };
  await walk(root, '');
  return tree;
}

export function hashFile(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', rej)
      .on('end', () => res(hash.digest('hex')));
  });
}

export function treesEqual(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [path, hash] of a) if (b.get(path) !== hash) return false;
  return true;
}

/** A readable difference between two trees, for failure messages. */
export function diffTrees(expected: Tree, actual: Tree, limit = 15): string {
  const lines: string[] = [];
  for (const [path, hash] of expected) {
    const got = actual.get(path);
    if (got === undefined) lines.push(`  missing   ${JSON.stringify(path)}`);
    else if (got !== hash) lines.push(`  differs   ${JSON.stringify(path)} (${got.slice(0, 12)} ≠ ${hash.slice(0, 12)})`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) lines.push(`  unexpected ${JSON.stringify(path)}`);
  if (lines.length === 0) return '  (identical)';
  const more = lines.length > limit ? `\n  … and ${lines.length - limit} more` : '';
  return `${lines.slice(0, limit).join('\n')}${more}  [expected ${expected.size} files, got ${actual.size}]`;
}

/** Waits until every device's folder equals `expected` (path → sha256), with a diff on timeout. */
export async function waitForTrees(devices: Device[], expected: Tree, timeoutMs: number, what: string): Promise<void> {
  await waitFor(
    async () => {
      for (const d of devices) if (!treesEqual(expected, await hashTree(d.syncDir))) return false;
      return true;
    },
    timeoutMs,
    what,
    {
      intervalMs: 300,
      explain: async () => {
        const parts: string[] = [];
        for (const d of devices) parts.push(`device ${d.name} (${d.syncDir}):\n${diffTrees(expected, await hashTree(d.syncDir))}`);
        return parts.join('\n');
      },
    },
  );
}

// ---- agent log ----

export interface AgentLogEvent {
  event: string;
  [key: string]: unknown;
}

/** The JSON lines of STATE/agent.log (a torn last line after a kill -9 is skipped). */
export async function readAgentLog(stateDir: string): Promise<AgentLogEvent[]> {
  let text: string;
  try {
    text = await readFile(join(stateDir, 'agent.log'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const events: AgentLogEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && typeof (value as AgentLogEvent).event === 'string') {
        events.push(value as AgentLogEvent);
      }
    } catch {
      // not a JSON line
    }
  }
  return events;
}
