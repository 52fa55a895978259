import type { Asset } from '@skyroll/protocol';
import type { DerivativeRow } from '../db/schema.js';
import type { AssetRecord } from '../repositories/asset.repository.js';

/** What an asset shows beyond its own row: the albums holding it and its derivatives. */
export interface AssetDetails {
  albumIds: string[];
  thumbnail?: DerivativeRow;
  preview?: DerivativeRow;
}

const NO_DETAILS: AssetDetails = { albumIds: [] };

/** The API's Asset; details come from readAssets (asset.reader.ts), which loads them in bulk. */
export function toAsset(record: AssetRecord, details: AssetDetails = NO_DETAILS): Asset {
  const { media, mediaError } = mediaOf(details.thumbnail, details.preview);
  return {
    id: record.id,
    checksum: record.checksum,
    size: record.size,
    type: record.type === 'video' ? 'video' : 'photo',
    mime: record.mime,
    width: record.width,
    height: record.height,
    takenAt: record.takenAt,
    path: record.path,
    originDeviceId: record.originDeviceId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    trashedAt: record.trashedAt,
    version: record.version,
    favorite: record.favorite,
    hidden: record.hidden,
    caption: record.caption,
    albumIds: details.albumIds,
    thumbhash: details.thumbnail?.state === 'ready' ? details.thumbnail.thumbhash : null,
    durationMs: record.type === 'video' ? (details.thumbnail?.duration_ms ?? details.preview?.duration_ms ?? null) : null,
    media,
    mediaError,
  };
}

/** Ready once thumbnail and preview both are; failed as soon as either failed (with its error). */
export function mediaOf(thumbnail: DerivativeRow | undefined, preview: DerivativeRow | undefined): Pick<Asset, 'media' | 'mediaError'> {
  const failed = [thumbnail, preview].find((d) => d?.state === 'failed');
  if (failed) return { media: 'failed', mediaError: failed.error ?? 'The file could not be read' };
  if (thumbnail?.state === 'ready' && preview?.state === 'ready') return { media: 'ready', mediaError: null };
  return { media: 'pending', mediaError: null };
}

/** Fields an asset snapshot written before they existed lacks: what was true of every asset then. */
const SNAPSHOT_DEFAULTS = {
  favorite: false,
  hidden: false,
  caption: '',
  albumIds: [],
  thumbhash: null,
  durationMs: null,
  media: 'pending',
  mediaError: null,
} satisfies Partial<Asset>;

/** An asset snapshot of the journal (JSON), whatever version of the server wrote it. */
export function assetFromSnapshot(json: string): Asset {
  return { ...SNAPSHOT_DEFAULTS, ...(JSON.parse(json) as Partial<Asset>) } as Asset;
}
