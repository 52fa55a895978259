import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HLC_ZERO, HybridClock, compareHlc, formatHlc, isHlc, parseHlc } from './hlc.js';

describe('hybrid logical clock', () => {
  it('formats and parses round trip, and string order is clock order', () => {
    fc.assert(
      fc.property(
        fc.record({ wall: fc.integer({ min: 0, max: 2 ** 47 }), counter: fc.integer({ min: 0, max: 99_999 }) }),
        fc.record({ wall: fc.integer({ min: 0, max: 2 ** 47 }), counter: fc.integer({ min: 0, max: 99_999 }) }),
        (a, b) => {
          const sa = formatHlc({ ...a, node: 'n1' });
          const sb = formatHlc({ ...b, node: 'n1' });
          expect(parseHlc(sa)).toEqual({ ...a, node: 'n1' });
          const expected = a.wall - b.wall || a.counter - b.counter;
          expect(Math.sign(compareHlc(sa, sb))).toBe(Math.sign(expected));
        },
      ),
    );
  });

  it('rejects what is not a timestamp', () => {
    expect(isHlc('12')).toBe(false);
    expect(isHlc('000000000000001:00000:a b')).toBe(false);
    expect(isHlc(HLC_ZERO)).toBe(true);
  });

  it('ticks strictly upward even when the wall clock stands still or goes back', () => {
    let now = 1000;
    const clock = new HybridClock('dev', () => now);
    const a = clock.tick();
    const b = clock.tick();
    now = 500;
    const c = clock.tick();
    expect(compareHlc(a, b)).toBeLessThan(0);
    expect(compareHlc(b, c)).toBeLessThan(0);
    expect(parseHlc(c)!.wall).toBe(1000);
  });

  it('orders its next tick after a timestamp received from a node whose clock runs ahead', () => {
    const ahead = new HybridClock('ahead', () => 10_000);
    const behind = new HybridClock('behind', () => 1_000);
    const remote = ahead.tick();
    behind.receive(remote);
    expect(compareHlc(behind.tick(), remote)).toBeGreaterThan(0);
  });

  it('any interleaving of ticks and receives keeps each clock monotonic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 50 })), { maxLength: 60 }), (steps) => {
        let nowA = 0;
        let nowB = 0;
        const a = new HybridClock('a', () => nowA);
        const b = new HybridClock('b', () => nowB);
        let lastA = HLC_ZERO;
        for (const [fromB, jump] of steps) {
          nowA += jump % 3;
          nowB += jump % 7;
          if (fromB) a.receive(b.tick());
          const next = a.tick();
          expect(compareHlc(next, lastA)).toBeGreaterThan(0);
          lastA = next;
        }
      }),
    );
  });
});
