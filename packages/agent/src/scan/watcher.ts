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
