import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../cli/agent-error.js';

/** One running agent per state folder; a lock left by a killed agent is taken over. */
export function acquireAgentLock(stateDir: string): () => void {
  const file = join(stateDir, 'agent.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new AgentError(`another agent (pid ${pid}) is already syncing with the state folder ${stateDir}`);
      }
      unlinkSync(file);
    }
  }
  throw new AgentError(`cannot lock the state folder ${stateDir}`);
}

/** The pid of the agent holding the state folder's lock, if one is alive. */
export function runningAgentPid(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(stateDir, 'agent.lock'), 'utf8'));
    return pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed agent not yet reaped by its parent is a zombie: it answers signals but is gone.
    return !isZombie(pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
