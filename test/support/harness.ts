/**
 * End-to-end harness: real `skyroll server` and `skyroll sync` processes over real HTTP on temp
 * folders. Everything a test starts is registered here and torn down by `cleanup()` (call it in
 * afterAll), and SIGKILLed on process exit if a test run dies first.
 *
 * Set SKYROLL_E2E_KEEP=1 to keep temp folders (paths are printed) for a post-mortem, and
 * SKYROLL_E2E_VERBOSE=1 to print what every server and agent said.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './api.js';
import { backendOf, provisionBackend, type ServerBackend } from './backend.js';
import { describeRun, runCli, runCliOk, spawnCli, stopChild, tail, type RunOptions, type RunResult } from './processes.js';
import { sleep } from './wait.js';

export * from './agent-log.js';
export * from './processes.js';
export * from './trees.js';
export * from './wait.js';

const KEEP = process.env.SKYROLL_E2E_KEEP === '1';

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
  private readonly backends: ServerBackend[] = [];
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

  /**
   * Starts a server on a fresh data folder. Under SKYROLL_E2E_BACKEND=postgres-s3 it also gets a
   * database and a bucket of its own (dropped at cleanup), unless `backend: 'given'` says the
   * caller's env already names them (replicas sharing one database and one bucket).
   */
  async startServer(options: { env?: Record<string, string | undefined>; backend?: 'given' } = {}): Promise<SkyrollServer> {
    const dataDir = await this.tempDir('server');
    let env = options.env ?? {};
    if (options.backend !== 'given' && backendOf() !== 'embedded') {
      const backend = await provisionBackend(`e2e_${this.servers.length}`);
      this.backends.push(backend);
      env = { ...backend.env, ...env };
    }
    const server = new SkyrollServer(dataDir, env);
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
    await Promise.all(this.backends.splice(0).map((b) => b.close()));
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
    private env: Record<string, string | undefined>,
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
  async restart(options: { kill?: boolean; env?: Record<string, string | undefined> } = {}): Promise<void> {
    await (options.kill === false ? this.stop() : this.kill());
    // `env` is merged into the server's environment from this start on (e.g. a shifted clock).
    if (options.env) this.env = { ...this.env, ...options.env };
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

  /** The running agent's process id (undefined before the first start). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends `signal` to the running agent (e.g. SIGSTOP / SIGCONT for a hung agent); false if not running. */
  signal(signal: NodeJS.Signals): boolean {
    return this.running ? this.child!.kill(signal) : false;
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
