import { describe, expect, it } from 'vitest';
import { massDeleteGuard } from './mass-delete.js';

describe('massDeleteGuard', () => {
  it.each([
    // deletions, synced, marker, confirmed, allowed
    [0, 0, true, false, true],
    [0, 100, false, false, true],
    [1, 1, true, false, true],
    [5, 5, true, false, true],
    [6, 30, true, false, true],
    [6, 29, true, false, false],
    [6, 10, true, false, false],
    [50, 1000, true, false, true],
    [51, 1000, true, false, false],
    [51, 1000, true, true, true],
    [1, 100, false, false, false],
    [1, 100, false, true, true],
  ])('%i deletions of %i synced, marker %s, confirmed %s -> allowed %s', (deletions, synced, markerPresent, confirmed, allowed) => {
    const verdict = massDeleteGuard({ deletions, synced, markerPresent, confirmed, folder: '/my photos' });
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) {
      expect(verdict.detail).toContain(String(deletions));
      expect(verdict.detail).toContain("skyroll sync '/my photos' --confirm-deletions");
    }
  });
});
