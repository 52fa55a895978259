import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { loadConfig, type ServerOptions } from './config.js';

// Nothing heavy at import: every `skyroll` command loads this module, only `skyroll server`
// needs Fastify, SQLite, sharp and tus (loaded in startServer).
export { loadConfig, type ServerConfig, type ServerOptions } from './config.js';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the server on a data folder; prints one line, `Skyroll server listening on URL`. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const config = loadConfig(options);
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config);
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  process.stdout.write(`Skyroll server listening on ${url}\n`);
  return { url, port, close: () => app.close() };
}

/** Adds `skyroll server` to the CLI. */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the Skyroll server (the cloud): embedded default SQLite + originals on disk; PostgreSQL + S3 for several replicas')
    .option('--data <dir>', 'data folder', './skyroll-data')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8437')
    .option('--db <url>', 'metadata database: postgres://USER@HOST:PORT/DB for several replicas (env SKYROLL_DB; default SQLite in --data)')
    .option('--blobs <url>', 'originals: s3://BUCKET[/PREFIX]?endpoint=URL&region=R, or a folder (env SKYROLL_BLOBS; default DATA/originals)')
    .option('--uploads <dir>', 'unfinished uploads; a volume shared by replicas (env SKYROLL_UPLOADS_DIR; default DATA/uploads)')
    .action(async (opts: { data: string; host: string; port: string; db?: string; blobs?: string; uploads?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${opts.port}`);
      const server = await startServer({ dataDir: opts.data, host: opts.host, port, db: opts.db, blobs: opts.blobs, uploads: opts.uploads });
      closeOnSignals(server);
    });
}

/** Adds `skyroll admin …` (server administration on the server's machine) to the CLI. */
export function registerAdminCommand(program: Command): void {
  const admin = program.command('admin').description('Administer a Skyroll server (on its machine: needs its data folder)');
  admin
    .command('set-plan')
    .description('Put an account on a plan (works while the server runs: its devices are told at once)')
    .argument('<email>', 'email of the account')
    .argument('<plan>', 'plan name (free, 50gb, 200gb, 2tb, 6tb, 12tb, or those of SKYROLL_PLANS)')
    .option('--data <dir>', 'data folder of the server', './skyroll-data')
    .option('--db <url>', "the server's database when it is PostgreSQL (env SKYROLL_DB)")
    .action(async (email: string, plan: string, opts: { data: string; db?: string }) => {
      const { setPlan } = await import('./admin.js');
      const result = await setPlan(opts.data, email, plan, { db: opts.db });
      process.stdout.write(
        `${result.email}: plan ${result.plan}, quota ${result.quotaBytes} bytes, ${result.usedBytes} used` +
          `${result.via === 'database' ? ' (no server running: written to the database)' : ''}\n`,
      );
    });
}

/** Clean shutdown on SIGTERM/SIGINT: finish requests in flight (10 s at most), close the database. */
export function closeOnSignals(server: RunningServer, graceMs = 10_000): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), graceMs).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
