import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Which of these absolute paths some process holds open for writing (Linux /proc; elsewhere,
 * none). A writer that pauses longer than the quiet period would otherwise get its half-written
 * file uploaded.
 */
export async function openForWriting(paths: ReadonlySet<string>): Promise<Set<string>> {
  const found = new Set<string>();
  if (paths.size === 0 || process.platform !== 'linux') return found;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p) && p !== String(process.pid));
  } catch {
    return found;
  }
  await Promise.all(
    pids.map(async (pid) => {
      let fds: string[];
      try {
        fds = await readdir(`/proc/${pid}/fd`);
      } catch {
        return;
      }
      for (const fd of fds) {
        try {
          const target = await readlink(`/proc/${pid}/fd/${fd}`);
          if (!paths.has(target)) continue;
          const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
          const flags = parseInt(/flags:\s*([0-7]+)/.exec(info)?.[1] ?? '0', 8);
          if ((flags & 3) !== 0) found.add(target);
        } catch {
          // The process or descriptor went away meanwhile.
        }
      }
    }),
  );
  return found;
}
