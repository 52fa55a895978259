/** The metadata view of this device's state: the cloud's last word plus the outbox, by asset and by local path. */
import type { AgentState } from '../state/state.js';
import type { ItemMetadata } from '../status.js';
import { albumNamesOf, metadataView, type MetadataView } from './view.js';

export interface DeviceMetadata {
  view: MetadataView;
  /** The synced folder's paths holding an asset. */
  pathsOf: (assetId: string) => string[];
  /** Favorite, hidden and album names of the asset at a local path, if it is in the cloud. */
  ofPath: (path: string) => ItemMetadata | undefined;
}

export function deviceMetadata(state: AgentState): DeviceMetadata {
  const pending = state.outbox.all().map((e) => ({ change: e.change, createdAt: e.createdAt }));
  const view = metadataView(state.remote.metadata(), state.albums.all(), pending);
  const base = state.base.all();
  const byAsset = new Map<string, string[]>();
  for (const b of base) byAsset.set(b.assetId, [...(byAsset.get(b.assetId) ?? []), b.path]);
  const assetOfPath = new Map(base.map((b) => [b.path, b.assetId]));
  return {
    view,
    pathsOf: (assetId) => byAsset.get(assetId) ?? [],
    ofPath: (path) => {
      const asset = view.assets.get(assetOfPath.get(path) ?? '');
      return asset && { favorite: asset.favorite, hidden: asset.hidden, albums: albumNamesOf(view, asset) };
    },
  };
}
