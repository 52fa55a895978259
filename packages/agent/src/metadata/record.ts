import { AgentError } from '../cli/agent-error.js';
import type { AgentState } from '../state/state.js';
import type { MetadataChange } from './change.js';
import { tickDeviceClock } from './device-clock.js';

/**
 * Writes a change made by the person into the outbox, stamped with the device's clock at this
 * moment (one transaction: the timestamp is never issued without its change). It is sent later,
 * in order, and the server keeps it only where no later change of the same field exists.
 */
export function recordChange(state: AgentState, change: MetadataChange, now: () => number = Date.now): { seq: number; hlc: string } {
  const deviceId = state.meta.login()?.deviceId;
  if (!deviceId) throw new AgentError('This device is not signed in: run `skyroll login --server URL --email E --device NAME --password-stdin`.');
  return state.exclusive(() => {
    const hlc = tickDeviceClock(state, deviceId, now);
    return { seq: state.outbox.add(hlc, change, now()), hlc };
  });
}
