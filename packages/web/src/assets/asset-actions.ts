import { ROUTES, type Album, type Asset, type AssetMetadataPatch } from '@skyroll/protocol';
import type { AlbumAssetsResponse, AlbumResponse, AlbumsResponse, AssetResponse } from '../api-types.js';
import { api } from '../api.js';
import { liveEvents } from '../live/events.js';
import { randomUuid } from '../ui/uuid.js';

/**
 * What a person does to assets from the web app. Each call is followed by a journal poke, so
 * every timeline on screen shows the result even before the server's own event arrives.
 */
async function changed<T>(work: Promise<T>): Promise<T> {
  const result = await work;
  liveEvents.poke();
  return result;
}

export function setMetadata(ids: readonly string[], patch: Omit<AssetMetadataPatch, 'hlc'>): Promise<Asset[]> {
  if (ids.length === 1) {
    return changed(api<AssetResponse>('PATCH', ROUTES.assetMetadata(ids[0]), patch).then((r) => [r.asset]));
  }
  return changed(api<{ assets: Asset[] }>('POST', ROUTES.assetsMetadata, { ...patch, assetIds: ids }).then((r) => r.assets));
}

/** To Recently Deleted (restorable for 30 days). */
export function moveToTrash(ids: readonly string[]): Promise<void> {
  return changed(api<unknown>('POST', ROUTES.trash, { assetIds: ids }).then(() => undefined));
}

export function restoreFromTrash(ids: readonly string[]): Promise<void> {
  return changed(api<unknown>('POST', ROUTES.restore, { assetIds: ids }).then(() => undefined));
}

export async function listAlbums(): Promise<Album[]> {
  return (await api<AlbumsResponse>('GET', ROUTES.albums)).albums;
}

export async function createAlbum(name: string): Promise<Album> {
  return changed(api<AlbumResponse>('POST', ROUTES.albums, { id: randomUuid(), name }).then((r) => r.album));
}

export function addToAlbum(albumId: string, ids: readonly string[]): Promise<AlbumAssetsResponse> {
  return changed(api<AlbumAssetsResponse>('POST', ROUTES.albumAssets(albumId), { assetIds: ids }));
}
