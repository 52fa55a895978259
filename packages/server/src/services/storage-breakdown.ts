import type { StorageBreakdown } from '@skyroll/protocol';
import type { StorageReference } from '../repositories/asset.repository.js';

const ROLE_ORDER = { live: 0, trashed: 1, version: 2 } as const;

/**
 * Splits the used bytes by where they go. Each stored original counts once, as used_bytes does:
 * under its most visible use (a live photo or video, else the trash, else an earlier version),
 * so photos + videos + trash + versions = usedBytes. byDevice: the current originals (live and
 * trashed) by the device that added them, each original once.
 */
export function storageBreakdown(references: readonly StorageReference[], deviceNames: ReadonlyMap<string, string>): StorageBreakdown {
  const best = new Map<string, StorageReference>();
  for (const ref of references) {
    const seen = best.get(ref.checksum);
    if (!seen || ROLE_ORDER[ref.role] < ROLE_ORDER[seen.role]) best.set(ref.checksum, ref);
  }
  const breakdown: StorageBreakdown = { photos: 0, videos: 0, trash: 0, versions: 0, byDevice: [] };
  const byDevice = new Map<string, number>();
  for (const ref of best.values()) {
    if (ref.role === 'version') breakdown.versions += ref.size;
    else if (ref.role === 'trashed') breakdown.trash += ref.size;
    else if (ref.type === 'video') breakdown.videos += ref.size;
    else breakdown.photos += ref.size;
    if (ref.role !== 'version' && ref.deviceId !== null) byDevice.set(ref.deviceId, (byDevice.get(ref.deviceId) ?? 0) + ref.size);
  }
  breakdown.byDevice = [...byDevice]
    .map(([deviceId, bytes]) => ({ deviceId, name: deviceNames.get(deviceId) ?? 'unknown device', bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.deviceId.localeCompare(b.deviceId));
  return breakdown;
}
