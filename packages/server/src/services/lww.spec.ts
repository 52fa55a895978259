import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHlc, HybridClock } from '@skyroll/protocol';
import { applyMembership, isLater, stampOf, winningFields, type MetadataState, type Membership } from './lww.js';

const at = (wall: number, node = 'a') => formatHlc({ wall, counter: 0, node });
const NEVER: MetadataState = { favorite: false, favoriteHlc: null, hidden: false, hiddenHlc: null, caption: '', captionHlc: null };

describe('last writer wins', () => {
  it.each([
    [at(2), null, true],
    [at(2), at(1), true],
    [at(1), at(2), false],
    [at(1), at(1), false],
    // Same wall and counter: the node name breaks the tie, the same way everywhere.
    [at(1, 'b'), at(1, 'a'), true],
  ])('isLater(%s, %s) = %s', (incoming, stored, expected) => {
    expect(isLater(incoming, stored)).toBe(expected);
  });

  it('stamps with the client clock when given (and the server clock moves past it), else ticks', () => {
    const clock = new HybridClock('server', () => 1000);
    expect(stampOf(clock, at(5000, 'phone'))).toBe(at(5000, 'phone'));
    expect(stampOf(clock, undefined) > at(5000, 'phone')).toBe(true);
  });

  it('decides per field, and says when a win changes what is seen', () => {
    const state: MetadataState = { ...NEVER, favorite: true, favoriteHlc: at(5) };
    expect(winningFields(state, { favorite: false, hidden: true }, at(3))).toEqual({ won: { hidden: true }, changed: true });
    expect(winningFields(state, { favorite: true }, at(6))).toEqual({ won: { favorite: true }, changed: false });
    expect(winningFields(state, { favorite: false, caption: '' }, at(4))).toEqual({ won: { caption: '' }, changed: false });
    expect(winningFields(state, {}, at(9))).toEqual({ won: {}, changed: false });
  });

  it('a removal never seen before is written, so an older add arriving later loses', () => {
    const removal = applyMembership(undefined, false, at(2));
    expect(removal).toEqual({ write: true, changed: false });
    expect(applyMembership({ present: false, hlc: at(2) }, true, at(1))).toEqual({ write: false, changed: false });
    expect(applyMembership({ present: false, hlc: at(2) }, true, at(3))).toEqual({ write: true, changed: true });
  });

  it('membership converges: any order of the same changes ends the same', () => {
    const change = fc.record({ present: fc.boolean(), node: fc.constantFrom('a', 'b') });
    const changes = fc
      .uniqueArray(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 12 })
      .chain((walls) => fc.array(change, { minLength: walls.length, maxLength: walls.length }).map((cs) => cs.map((c, i) => ({ ...c, hlc: at(walls[i]!, c.node) }))))
      .chain((cs) => fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })));
    fc.assert(
      fc.property(changes, ([inOrder, shuffled]) => {
        const fold = (cs: typeof inOrder) =>
          cs.reduce<Membership | undefined>((state, c) => (applyMembership(state, c.present, c.hlc).write ? { present: c.present, hlc: c.hlc } : state), undefined);
        const latest = [...inOrder].sort((x, y) => (x.hlc < y.hlc ? -1 : 1)).at(-1)!;
        expect(fold(inOrder)).toEqual({ present: latest.present, hlc: latest.hlc });
        expect(fold(shuffled)).toEqual(fold(inOrder));
      }),
      { numRuns: 300 },
    );
  });
});
