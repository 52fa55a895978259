/** Is this device's agent running, and alive? Read from its lock and its heartbeat. */
import type { AgentState } from '../state/state.js';
import { runningAgentPid } from '../sync/agent-lock.js';
import { readHeartbeat, type LocalHeartbeat } from './heartbeat.js';

/** A heartbeat older than this many beats means the agent hangs (stopped, wedged, starved). */
export const MISSED_BEATS = 4;

export type Presence =
  | { kind: 'running'; pid: number; heartbeat: LocalHeartbeat | undefined }
  | { kind: 'not-responding'; pid: number; heartbeat: LocalHeartbeat; silentMs: number }
  | { kind: 'not-running'; heartbeat: LocalHeartbeat | undefined };

export function presenceOf(state: AgentState, now = Date.now()): Presence {
  const pid = runningAgentPid(state.dir);
  const heartbeat = readHeartbeat(state);
  if (pid === undefined) return { kind: 'not-running', heartbeat };
  // A just-started agent may not have beaten yet; one that beat before must keep beating.
  if (heartbeat && heartbeat.pid === pid) {
    const silentMs = now - heartbeat.at;
    if (silentMs > MISSED_BEATS * heartbeat.intervalMs) return { kind: 'not-responding', pid, heartbeat, silentMs };
  }
  return { kind: 'running', pid, heartbeat };
}

/** What an item waiting on the agent says, when the agent is not there to move it. */
export function absentAgentDetail(presence: Presence, folder: string | undefined): string | undefined {
  const start = `skyroll sync ${folder ?? 'DIR'}`;
  if (presence.kind === 'not-running') return `the agent is not running: start it (${start}); it resumes where it stopped`;
  if (presence.kind === 'not-responding') {
    return `the agent (pid ${presence.pid}) has not responded for ${Math.round(presence.silentMs / 1000)} s: restart it (stop it, then ${start}); it resumes where it stopped`;
  }
  return undefined;
}
