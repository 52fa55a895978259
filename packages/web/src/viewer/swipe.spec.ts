import { describe, expect, it } from 'vitest';
import { swipeOf } from './swipe.js';

describe('swipes in the viewer', () => {
  it('left is the next asset, right the previous one, down closes', () => {
    expect(swipeOf(-120, 10)).toBe('next');
    expect(swipeOf(120, -10)).toBe('previous');
    expect(swipeOf(5, 150)).toBe('close');
  });

  it('ignores taps, short moves, diagonals and swipes up', () => {
    expect(swipeOf(0, 0)).toBeNull();
    expect(swipeOf(-40, 0)).toBeNull();
    expect(swipeOf(-100, 90)).toBeNull();
    expect(swipeOf(0, -150)).toBeNull();
  });
});
