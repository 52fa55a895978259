import { describe, expect, it } from 'vitest';
import { isSafeRelativePath } from './path.js';

describe('isSafeRelativePath', () => {
  it.each([
    ['IMG_0001.jpg', true],
    ['2024/Trip/IMG_0001.jpg', true],
    ['Café/é.jpg', true],
    ['Cafe\u0301/e\u0301.jpg', true],
    ['', false],
    ['/etc/passwd', false],
    ['../x.jpg', false],
    ['a/../../x.jpg', false],
    ['a/./x.jpg', false],
    ['a//x.jpg', false],
    ['a\\x.jpg', false],
    ['a/x\u0000.jpg', false],
    ['.skyroll/marker', false],
    ['x'.repeat(256), false],
  ])('%j -> %s', (path, ok) => {
    expect(isSafeRelativePath(path)).toBe(ok);
  });
});
