/** Folder inside every synced folder holding Skyroll's marker and temporary files. */
export const RESERVED_DIR = '.skyroll';

/**
 * A safe library path: relative, '/'-separated, no empty, '.' or '..' segments, no backslash or
 * control characters, and not inside the reserved folder. Paths are kept as given (NFC and NFD
 * spellings are different names, as on Linux).
 */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return false;
  if (path.startsWith('/')) return false;
  const segments = path.split('/');
  if (segments[0] === RESERVED_DIR) return false;
  return segments.every((s) => s !== '' && s !== '.' && s !== '..' && Buffer.byteLength(s) <= 255);
}
