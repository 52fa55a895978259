import { ROUTES, type Album } from '@skyroll/protocol';
import { api } from '../api';
import type { AlbumAssetsResponse, AlbumResponse } from '../api-types';
import { liveEvents } from '../live/events';

/**
 * Album changes made from the album pages (creating and adding: assets/asset-actions.ts). Each is
 * followed by a journal poke, so the timelines on screen follow at once.
 */
export async function renameAlbum(id: string, name: string): Promise<Album> {
  const { album } = await api<AlbumResponse>('PATCH', ROUTES.album(id), { name });
  liveEvents.poke();
  return album;
}

/** Deletes the album on every device; its assets stay in the library. */
export async function deleteAlbum(id: string): Promise<void> {
  await api<unknown>('DELETE', ROUTES.album(id), {});
  liveEvents.poke();
}

/** Takes assets out of the album (they stay in the library). */
export async function removeFromAlbum(id: string, assetIds: readonly string[]): Promise<AlbumAssetsResponse> {
  const result = await api<AlbumAssetsResponse>('DELETE', ROUTES.albumAssets(id), { assetIds });
  liveEvents.poke();
  return result;
}
