import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['1d', 86_400_000],
    ['1h30m', 90 * 60_000],
    ['90s', 90_000],
    ['2w', 14 * 86_400_000],
    ['0.5h', 1_800_000],
    ['', undefined],
    ['10', undefined],
    ['1x', undefined],
    ['0m', undefined],
    ['-1d', undefined],
  ])('%j -> %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
