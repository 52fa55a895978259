import { RESERVED_DIR, isSafeRelativePath } from '@skyroll/protocol';

/** The extensions Skyroll syncs; everything else in the folder stays local. */
export const MEDIA_EXTENSIONS: ReadonlySet<string> = new Set(
  'jpg jpeg png heic heif gif webp tif tiff dng cr2 cr3 nef arw orf rw2 raf mp4 mov m4v 3gp avi mkv webm'.split(' '),
);

export function isMediaPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && MEDIA_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** Dotfiles and the reserved folder are never looked at (not even reported). */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name === RESERVED_DIR;
}

/** Why a file is not synced, or undefined when it is a candidate. */
export function exclusionOf(path: string, size: number): string | undefined {
  if (!isMediaPath(path)) return 'not a photo or video (by extension)';
  if (!isSafeRelativePath(path)) return 'the name cannot be synced (control characters, backslash or too long)';
  if (size === 0) return 'empty file (0 bytes)';
  return undefined;
}
