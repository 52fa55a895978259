import type { Command } from 'commander';

/** Adds `skyroll server` to the CLI. */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the Skyroll server (the cloud) on the embedded default: SQLite + originals on disk')
    .option('--data <dir>', 'data folder', './skyroll-data')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8437')
    .action(() => {
      throw new Error('not built yet');
    });
}
