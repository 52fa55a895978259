/**
 * Optimize Storage's choice (pure): which originals to replace with their previews so the
 * device's free space gets back above the floor. Least recently used first; only originals in
 * sync with the cloud and whose preview the server has made; no more than needed.
 */
export interface EvictionCandidate {
  path: string;
  assetId: string;
  /** Bytes of the original on disk. */
  size: number;
  /** Last access (atime, else mtime), epoch ms. */
  lastUsedMs: number;
  /** The file is exactly what both sides agreed on (not being edited, not waiting to upload). */
  synced: boolean;
  /** Already a placeholder. */
  placeholder: boolean;
  /** The server has no preview for it (yet). */
  previewMissing: boolean;
}

export interface EvictionInput {
  candidates: EvictionCandidate[];
  freeBytes: number;
  floorBytes: number;
  /** What a preview is expected to take instead (the gain is size minus this). */
  previewBytes: number;
}

/** An estimate of a preview's size (a 2048 px JPEG), for the gain of replacing an original. */
export const PREVIEW_BYTES_ESTIMATE = 512 * 1024;

export function chooseEvictions(input: EvictionInput): EvictionCandidate[] {
  let free = input.freeBytes;
  if (free >= input.floorBytes) return [];
  const chosen: EvictionCandidate[] = [];
  const eligible = input.candidates
    .filter((c) => c.synced && !c.placeholder && !c.previewMissing && c.size > input.previewBytes)
    .sort((a, b) => a.lastUsedMs - b.lastUsedMs || a.path.localeCompare(b.path));
  for (const c of eligible) {
    if (free >= input.floorBytes) break;
    chosen.push(c);
    free += c.size - input.previewBytes;
  }
  return chosen;
}
