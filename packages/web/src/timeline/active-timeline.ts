import type { TimelineStore } from './timeline-store.js';

/**
 * The timeline the viewer opens over: the viewer steps through its assets (←/→) and takes what
 * it trashes or hides off it at once. The page on screen registers its timeline while mounted.
 */
let active: TimelineStore | null = null;
const listeners = new Set<() => void>();

export function setActiveTimeline(store: TimelineStore | null): void {
  active = store;
  for (const listener of [...listeners]) listener();
}

export function getActiveTimeline(): TimelineStore | null {
  return active;
}

export function subscribeActiveTimeline(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
