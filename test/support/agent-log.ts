/** STATE/agent.log: the agent's JSON lines, as tests read them. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AgentLogEvent {
  event: string;
  [key: string]: unknown;
}

/** The JSON lines of STATE/agent.log (a torn last line after a kill -9 is skipped). */
export async function readAgentLog(stateDir: string): Promise<AgentLogEvent[]> {
  let text: string;
  try {
    text = await readFile(join(stateDir, 'agent.log'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const events: AgentLogEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && typeof (value as AgentLogEvent).event === 'string') {
        events.push(value as AgentLogEvent);
      }
    } catch {
      // not a JSON line
    }
  }
  return events;
}
