/** What a one-finger gesture on the (unzoomed) viewer means. */
export type Swipe = 'next' | 'previous' | 'close' | null;

/** Shorter moves are taps or jitter, not swipes. */
const MIN_DISTANCE = 60;
/** The main direction must clearly dominate, so a diagonal drag does nothing. */
const DOMINANCE = 1.5;

/**
 * A swipe from the pointer's travel (dx, dy in CSS pixels): to the left shows the next asset, to
 * the right the previous one (as in iCloud Photos and Google Photos), down closes the viewer.
 */
export function swipeOf(dx: number, dy: number): Swipe {
  const [ax, ay] = [Math.abs(dx), Math.abs(dy)];
  if (ax >= MIN_DISTANCE && ax >= ay * DOMINANCE) return dx < 0 ? 'next' : 'previous';
  if (dy >= MIN_DISTANCE && ay >= ax * DOMINANCE) return 'close';
  return null;
}
