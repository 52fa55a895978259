/**
 * The device's hybrid logical clock. Its last timestamp lives in the state, so a restarted agent
 * or a second command never issues one older than (or equal to) a change already made here, even
 * when the wall clock stepped back in between.
 */
import { HybridClock, parseHlc } from '@skyroll/protocol';
import type { AgentState } from '../state/state.js';

/**
 * A new timestamp for a change made now on this device (node = the device id). Call inside a
 * write transaction that also records the change, so the two are kept or lost together.
 */
export function tickDeviceClock(state: AgentState, node: string, now: () => number = Date.now): string {
  const clock = new HybridClock(node, now);
  const last = state.meta.lastHlc();
  // Only a wall clock at or behind the last timestamp needs it: otherwise a tick is already later.
  if (last && (parseHlc(last)?.wall ?? Infinity) >= now()) clock.receive(last);
  const hlc = clock.tick();
  state.meta.setLastHlc(hlc);
  return hlc;
}
