import type { Command } from 'commander';
import type { Item } from '../state/item.repository.js';
import { AgentLog } from '../sync/agent-log.js';
import { bindFolder } from '../sync/folder.js';
import { acquireAgentLock } from '../sync/agent-lock.js';
import { RateLimiter } from '../transfer/throttle.js';
import { deviceCommand, signedInApi, withState, type StateOption } from './command.js';

interface SyncOptions extends StateOption {
  once?: boolean;
  confirmDeletions?: boolean;
  adoptFolder?: boolean;
}

export function registerSyncCommand(program: Command): void {
  deviceCommand(program, 'sync', 'Keep a folder and the cloud library in sync, both ways')
    .argument('<dir>', 'the folder to sync (one folder per state folder)')
    .option('--once', 'converge, then exit: 0 when in sync (failures are warnings), 3 when anything is blocked')
    .option('--confirm-deletions', 'propagate a mass deletion held back by the safety check')
    .option('--adopt-folder', "make the folder part of the signed-in account's library (it was first synced with another account)")
    .action(async (dir: string, opts: SyncOptions) => {
      const code = await withState(opts, async (state): Promise<number> => {
        // Loaded here: the other commands start faster without the engine, watcher and tus.
        const [{ syncForever, syncOnce }, { createProgress }] = await Promise.all([import('../sync/runner.js'), import('../sync/progress.js')]);
        const api = signedInApi(state);
        const folder = bindFolder(state, dir, { adopt: Boolean(opts.adoptFolder) });
        const release = acquireAgentLock(state.dir);
        const log = new AgentLog(state.logPath);
        const engine = {
          folder,
          state,
          api,
          log,
          progress: createProgress(),
          limiter: RateLimiter.fromEnv(),
          confirmDeletions: Boolean(opts.confirmDeletions),
          once: Boolean(opts.once),
        };
        try {
          if (opts.once) {
            const result = await syncOnce(engine);
            for (const line of summarize(result.failed, 'warning: failed')) console.error(line);
            for (const line of summarize(result.blocked, 'blocked')) console.error(line);
            if (result.exitCode === 3) {
              if (result.stopped) console.error(`Sync could not run (${result.stopped.reason}): ${result.stopped.detail}`);
              const reasons = [...new Set(result.blocked.map((i) => i.reason ?? 'pending'))].join(', ');
              if (result.blocked.length) console.error(`Not fully synced: ${result.blocked.length} item(s) blocked (${reasons}).`);
            } else {
              const words: Record<string, string> = {
                upload: 'uploaded',
                download: 'downloaded',
                'replace-local': 'updated here',
                'delete-local': 'deleted here',
                'trash-remote': 'moved to the cloud trash',
                'move-remote': 'renamed in the cloud',
                'move-local': 'renamed here',
              };
              const counts = Object.entries(words)
                .filter(([kind]) => result.done.get(kind))
                .map(([kind, word]) => `${result.done.get(kind)} ${word}`);
              if (result.failed.length) counts.push(`${result.failed.length} failed`);
              console.log(`In sync: ${folder}${counts.length ? ` (${counts.join(', ')})` : ''}.`);
            }
            return result.exitCode;
          }
          const stop = new AbortController();
          // A long-running agent logs a stray error and carries on; it never dies of one.
          process.on('unhandledRejection', (err) => log.error('agent.unhandled', err));
          process.on('uncaughtException', (err) => log.error('agent.uncaught', err));
          for (const signal of ['SIGINT', 'SIGTERM'] as const) {
            process.on(signal, () => {
              // State is durable at every step: a stop that takes too long (or a second signal) just exits.
              if (stop.signal.aborted) process.exit(0);
              stop.abort();
              setTimeout(() => process.exit(0), 3000).unref();
            });
          }
          console.log(`Syncing ${folder} with ${api.server} (Ctrl-C to stop).`);
          await syncForever(engine, stop.signal);
          return 0;
        } finally {
          release();
        }
      });
      // Keep-alive sockets and timers must not hold the process once the work is done.
      process.exit(code);
    });
}

/** One line per item, or per cause when many items share it. */
function summarize(items: Item[], label: string): string[] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = `${item.reason ?? 'pending'}: ${item.detail ?? 'not synced yet'}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups].map(([cause, group]) => {
    const paths = group.slice(0, 5).map((i) => i.path).join(', ');
    const more = group.length > 5 ? ` and ${group.length - 5} more` : '';
    return `${label}: ${paths}${more} (${cause})`;
  });
}
