/**
 * Hybrid logical clocks: timestamps that order concurrent edits on different devices the same
 * way everywhere (last writer wins per field) while staying close to wall time.
 *
 * A timestamp is a string that sorts the way the clock orders it:
 * `WALL(15 digits, ms):COUNTER(5 digits):NODE` — compare with `compareHlc` (or plain `<`).
 */
export interface HlcParts {
  wall: number;
  counter: number;
  node: string;
}

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 5;
const COUNTER_MAX = 10 ** COUNTER_DIGITS - 1;
const HLC_PATTERN = /^(\d{15}):(\d{5}):([A-Za-z0-9._-]{1,64})$/;

/** The smallest possible timestamp: every real one is later. */
export const HLC_ZERO = formatHlc({ wall: 0, counter: 0, node: '0' });

export function formatHlc(parts: HlcParts): string {
  return `${String(parts.wall).padStart(WALL_DIGITS, '0')}:${String(parts.counter).padStart(COUNTER_DIGITS, '0')}:${parts.node}`;
}

export function parseHlc(value: string): HlcParts | null {
  const match = HLC_PATTERN.exec(value);
  if (!match) return null;
  return { wall: Number(match[1]), counter: Number(match[2]), node: match[3]! };
}

export function isHlc(value: string): boolean {
  return parseHlc(value) !== null;
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The clock of one node (a device or a server process). */
export class HybridClock {
  private wall = 0;
  private counter = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(node)) throw new Error(`not a clock node name: ${node}`);
  }

  /** A timestamp for a local event, later than every one this clock issued or received. */
  tick(): string {
    const physical = this.now();
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else {
      this.bumpCounter();
    }
    return formatHlc({ wall: this.wall, counter: this.counter, node: this.node });
  }

  /** Take in a timestamp seen from another node, so later ticks order after it. */
  receive(remote: string): void {
    const parts = parseHlc(remote);
    if (!parts) return;
    const physical = this.now();
    const wall = Math.max(this.wall, parts.wall, physical);
    if (wall === this.wall && wall === parts.wall) this.counter = Math.max(this.counter, parts.counter);
    else if (wall === parts.wall) this.counter = parts.counter;
    else if (wall !== this.wall) this.counter = -1;
    this.wall = wall;
    this.bumpCounter();
  }

  private bumpCounter(): void {
    if (this.counter >= COUNTER_MAX) {
      this.wall += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
  }
}
