/** This device's settings: read from the server into the state, whose copy serves while offline. */
import type { DeviceSettings } from '../policy/world.js';
import type { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import type { AgentLog } from './agent-log.js';

/** Fetches the settings; false when the server could not be asked (the cached copy stays). */
export async function refreshSettings(api: ApiClient, state: AgentState, log: AgentLog): Promise<boolean> {
  try {
    applySettings(state, log, await api.settings());
    return true;
  } catch (err) {
    log.error('settings.error', err);
    return false;
  }
}

/** Stores settings in the cache; true (and a `settings.changed` log line) when they differ. */
export function applySettings(state: AgentState, log: AgentLog, settings: DeviceSettings): boolean {
  const before = JSON.stringify(state.meta.settings());
  state.meta.setSettings(settings);
  const after = state.meta.settings();
  if (before === JSON.stringify(after)) return false;
  log.write('settings.changed', { settings: after });
  return true;
}
