/**
 * nginx in front of several replicas, for end-to-end tests — running the very config the project
 * ships (deploy/nginx/skyroll.conf) with the replicas' addresses and a free port swapped in.
 * nginx comes from Debian's package: installed here when the machine has none (CI included), so
 * nothing installed by hand is needed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianPackage, NGINX_LIGHT } from './debian.js';
import { REPO_ROOT, stopChild, tail } from './processes.js';

const run = promisify(execFile);
export const NGINX_CONF = join(REPO_ROOT, 'deploy/nginx/skyroll.conf');

/** The nginx binary, installing Debian's nginx-light when it is missing. */
export function ensureNginx(): Promise<string> {
  return ensureDebianPackage(NGINX_LIGHT);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The shipped config with these upstreams and this port between its `# @…` / `# @end` markers. */
export function configFor(template: string, upstreams: string[], port: number): string {
  const replace = (text: string, marker: string, lines: string[]) => {
    const re = new RegExp(`(# @${marker}[^\\n]*\\n)[\\s\\S]*?(\\s*# @end)`);
    if (!re.test(text)) throw new Error(`deploy/nginx/skyroll.conf lost its "# @${marker}" … "# @end" block`);
    return text.replace(re, (_m, head: string, end: string) => `${head}${lines.join('\n')}${end}`);
  };
  const servers = upstreams.map((u) => `    server ${new URL(u).host} max_fails=1 fail_timeout=3s;`);
  return replace(replace(template, 'replicas', servers), 'listen', [`    listen 127.0.0.1:${port};`]);
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
  log(): string;
  /** One line per request: `METHOD URI STATUS UPSTREAM[, UPSTREAM…]` (nginx writes it when the request ends). */
  accessLog(): Promise<string[]>;
}

/** Starts nginx (foreground, its own prefix under `dir`) in front of `upstreams`. */
export async function startNginx(dir: string, upstreams: string[]): Promise<Nginx> {
  const binary = await ensureNginx();
  const port = await freePort();
  await mkdir(join(dir, 'logs'), { recursive: true });
  const site = configFor(await readFile(NGINX_CONF, 'utf8'), upstreams, port);
  const main = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'logs/error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    // Which replica served each request: how a test sees an upload's chunks land on both.
    "  log_format replicas '$request_method $uri $status $upstream_addr';",
    `  access_log ${join(dir, 'logs/access.log')} replicas;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    site,
    '}',
  ].join('\n');
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, main);
  await run(binary, ['-t', '-p', dir, '-c', conf]).catch((err: { stderr?: string }) => {
    throw new Error(`nginx -t refused the shipped config:\n${err.stderr ?? String(err)}`);
  });
  let output = '';
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${tail(output)}`);
    const ok = await fetch(`${url}/api/server/info`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url} within 10 s:\n${tail(output)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () => stopChild(child, 'SIGQUIT'),
    log: () => output,
    accessLog: async () => (await readFile(join(dir, 'logs/access.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}
