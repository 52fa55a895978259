/**
 * The metadata this device shows (pure): what the cloud last said, with the changes made here
 * and not yet delivered laid over it in the order they were made. Once delivered, the server's
 * answer (the winner per field) replaces the guess.
 */
import type { AlbumRecord } from '../state/album.repository.js';
import type { RemoteMetadata } from '../state/remote.repository.js';
import type { MetadataChange } from './change.js';

export interface AssetView {
  id: string;
  trashed: boolean;
  favorite: boolean;
  hidden: boolean;
  caption: string;
  albumIds: string[];
}

export interface AlbumView {
  id: string;
  name: string;
  deleted: boolean;
  createdAt: number;
  /** Made here and not yet delivered. */
  pending: boolean;
}

export interface MetadataView {
  assets: Map<string, AssetView>;
  albums: Map<string, AlbumView>;
}

export interface PendingChange {
  change: MetadataChange;
  createdAt: number;
}

export function metadataView(remote: RemoteMetadata[], albums: AlbumRecord[], pending: PendingChange[]): MetadataView {
  const assets = new Map(remote.map((a) => [a.id, { ...a, albumIds: [...a.albumIds] }]));
  const albumViews = new Map(albums.map((a) => [a.id, { id: a.id, name: a.name, deleted: a.deleted, createdAt: a.createdAt, pending: false }]));
  const asset = (id: string): AssetView | undefined => assets.get(id);
  for (const { change, createdAt } of pending) {
    switch (change.kind) {
      case 'asset':
        for (const id of change.assetIds) {
          const a = asset(id);
          if (!a) continue;
          if (change.favorite !== undefined) a.favorite = change.favorite;
          if (change.hidden !== undefined) a.hidden = change.hidden;
          if (change.caption !== undefined) a.caption = change.caption;
        }
        break;
      case 'album.create':
        if (!albumViews.has(change.albumId)) albumViews.set(change.albumId, { id: change.albumId, name: change.name, deleted: false, createdAt, pending: true });
        break;
      case 'album.rename': {
        const album = albumViews.get(change.albumId);
        if (album) album.name = change.name;
        break;
      }
      case 'album.delete': {
        const album = albumViews.get(change.albumId);
        if (album) album.deleted = true;
        break;
      }
      case 'album.add':
        for (const id of change.assetIds) {
          const a = asset(id);
          if (a && !a.albumIds.includes(change.albumId)) a.albumIds.push(change.albumId);
        }
        break;
      case 'album.remove':
        for (const id of change.assetIds) {
          const a = asset(id);
          if (a) a.albumIds = a.albumIds.filter((albumId) => albumId !== change.albumId);
        }
        break;
    }
  }
  return { assets, albums: albumViews };
}

export interface AlbumListing {
  id: string;
  name: string;
  /** Assets in the album that are not in the trash. */
  count: number;
  /** Where those assets are in this device's folder (synced ones). */
  paths: string[];
}

/**
 * Every live album, by name, with its assets' local paths. `pathsOf`: an asset's paths in the
 * synced folder (none when it is not on this device).
 */
export function albumListings(view: MetadataView, pathsOf: (assetId: string) => string[]): AlbumListing[] {
  const members = new Map<string, string[]>();
  for (const a of view.assets.values()) {
    if (a.trashed) continue;
    for (const albumId of a.albumIds) members.set(albumId, [...(members.get(albumId) ?? []), a.id]);
  }
  return [...view.albums.values()]
    .filter((album) => !album.deleted)
    .sort((x, y) => x.name.localeCompare(y.name) || x.createdAt - y.createdAt)
    .map((album) => {
      const ids = members.get(album.id) ?? [];
      return { id: album.id, name: album.name, count: ids.length, paths: ids.flatMap(pathsOf).sort() };
    });
}

/** The names of the live albums holding an asset, sorted. */
export function albumNamesOf(view: MetadataView, asset: AssetView): string[] {
  return asset.albumIds
    .map((id) => view.albums.get(id))
    .filter((album): album is AlbumView => album !== undefined && !album.deleted)
    .map((album) => album.name)
    .sort();
}

/**
 * The album a person means by NAME: its id, else the live album of exactly that name (the
 * oldest, when two devices made one each), else the only one of that name in another case.
 */
export function findAlbum(view: MetadataView, name: string): AlbumView | undefined {
  const live = [...view.albums.values()].filter((a) => !a.deleted);
  const byId = live.find((a) => a.id === name);
  if (byId) return byId;
  const exact = live.filter((a) => a.name === name).sort((x, y) => x.createdAt - y.createdAt);
  if (exact.length > 0) return exact[0];
  const folded = live.filter((a) => a.name.toLocaleLowerCase() === name.toLocaleLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}
