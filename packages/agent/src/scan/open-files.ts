import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Which of these absolute paths some process holds open for writing (Linux /proc; elsewhere,
 * none). A writer that pauses longer than the quiet period would otherwise get its half-written
 * file uploaded. Synchronous on purpose: a few thousand tiny syscalls take milliseconds this way,
 * and ten times more through the thread pool.
 */
export function openForWriting(paths: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  if (paths.size === 0 || process.platform !== 'linux') return found;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && p !== String(process.pid));
  } catch {
    return found;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (!paths.has(target)) continue;
        const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        const flags = parseInt(/flags:\s*([0-7]+)/.exec(info)?.[1] ?? '0', 8);
        if ((flags & 3) !== 0) found.add(target);
      } catch {
        // The process or descriptor went away meanwhile.
      }
    }
  }
  return found;
}
