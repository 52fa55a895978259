import watcher from '@parcel/watcher';
import { relative, sep } from 'node:path';
import { isIgnoredName } from './media.js';

/** Calls back with the changed relative paths (dotfiles and `.skyroll` left out). */
export async function watchFolder(folder: string, onChange: (paths: string[]) => void, onError: (err: Error) => void): Promise<() => Promise<void>> {
  const subscription = await watcher.subscribe(
    folder,
    (err, events) => {
      if (err) return onError(err);
      const paths = events
        .map((e) => relative(folder, e.path).split(sep).join('/'))
        .filter((p) => p && !p.split('/').some(isIgnoredName));
      if (paths.length > 0) onChange(paths);
    },
    { ignore: ['.skyroll'] },
  );
  return () => subscription.unsubscribe();
}

export interface KeepWatchingOptions {
  onChange: () => void;
  onError: (err: unknown) => void;
  /** The watcher to keep alive (tests pass their own). */
  subscribe?: (folder: string, onChange: (paths: string[]) => void, onError: (err: Error) => void) => Promise<() => Promise<void>>;
  /** Delay before the first new attempt after a failure; doubled per further failure up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Watches the folder for as long as the agent runs. A watcher that fails (the folder briefly
 * unmounted, the system's watch limit, an error of the watcher itself) is replaced, and a change
 * is signalled at once so a pass catches up with whatever it missed: the periodic rescan stays a
 * last resort, not the way a dead watcher is noticed. Returns the function that stops watching.
 */
export async function keepWatching(folder: string, options: KeepWatchingOptions): Promise<() => Promise<void>> {
  const subscribe = options.subscribe ?? watchFolder;
  const firstDelay = options.retryMs ?? 1000;
  const maxDelay = options.maxRetryMs ?? 60_000;
  let delay = firstDelay;
  let stopped = false;
  let current: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;

  const fail = (err: unknown): void => {
    options.onError(err);
    options.onChange();
    const broken = current;
    current = undefined;
    void broken?.().catch(() => {});
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void start();
    }, delay);
    delay = Math.min(delay * 2, maxDelay);
  };

  const start = async (): Promise<void> => {
    if (stopped) return;
    try {
      const unsubscribe = await subscribe(folder, () => options.onChange(), fail);
      if (stopped) return void (await unsubscribe());
      current = unsubscribe;
      delay = firstDelay;
    } catch (err) {
      fail(err);
    }
  };

  await start();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await current?.();
  };
}
