/** Protocol values for unit tests: an asset or album with every field, changed where a test says. */
import type { Album, Asset } from '@skyroll/protocol';

/** Asset number `n` (1–9): a fixed id, checksum and path. */
export function assetFixture(n: number, patch: Partial<Asset> = {}): Asset {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    checksum: String(n).repeat(64),
    size: 10,
    type: 'photo',
    mime: 'image/jpeg',
    width: null,
    height: null,
    takenAt: null,
    path: `p${n}.jpg`,
    originDeviceId: null,
    createdAt: 1,
    updatedAt: 1,
    trashedAt: null,
    version: 1,
    favorite: false,
    hidden: false,
    caption: '',
    albumIds: [],
    thumbhash: null,
    durationMs: null,
    media: 'ready',
    mediaError: null,
    ...patch,
  };
}

/** Album number `n` (1–9). */
export function albumFixture(n: number, patch: Partial<Album> = {}): Album {
  return {
    id: `a0000000-0000-4000-8000-00000000000${n}`,
    name: `Album ${n}`,
    assetCount: 0,
    coverAssetId: null,
    createdAt: 1,
    updatedAt: 1,
    deleted: false,
    ...patch,
  };
}
