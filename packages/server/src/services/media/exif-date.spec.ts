import { describe, expect, it } from 'vitest';
import { parseExifDate } from './exif-date.js';

describe('parseExifDate', () => {
  it.each([
    ['2024:05:01 12:34:56', undefined, Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024:05:01 12:34:56', '+02:00', Date.UTC(2024, 4, 1, 10, 34, 56)],
    ['2024:05:01 12:34:56', '-0530', Date.UTC(2024, 4, 1, 18, 4, 56)],
    ['2024-05-01T12:34:56.250', undefined, Date.UTC(2024, 4, 1, 12, 34, 56, 250)],
    ['0000:00:00 00:00:00', undefined, null],
    ['    :  :     :  :  ', undefined, null],
    [42, undefined, null],
    [undefined, undefined, null],
  ])('%j %j -> %j', (value, offset, expected) => {
    expect(parseExifDate(value, offset)).toBe(expected);
  });
});
