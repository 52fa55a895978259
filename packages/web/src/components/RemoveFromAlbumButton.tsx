import { useState } from 'react';
import { errorMessage } from '../api-errors';
import type { TimelineStore } from '../timeline/timeline-store';
import { MinusIcon } from '../ui/icons';
import { useToast } from '../ui/toast';
import { removeFromAlbum } from './album-actions';

/**
 * "Remove from album" for the selection bar of an album's timeline (`store.filter.albumId` set):
 * the assets leave the album at once and stay in the library.
 */
export function RemoveFromAlbumButton({ ids, store, onDone }: { ids: readonly string[]; store: TimelineStore; onDone: () => void }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const albumId = store.filter.albumId;
  if (!albumId) return null;

  const remove = async () => {
    setBusy(true);
    try {
      const removed = [...ids];
      const { album } = await removeFromAlbum(albumId, removed);
      store.removeAssets(removed);
      onDone();
      toast.info(`${removed.length === 1 ? '1 item' : `${removed.length} items`} removed from ${album.name}`);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button type="button" className="button" disabled={busy} onClick={() => void remove()} data-testid="selection-remove-from-album">
      <MinusIcon /> <span className="label">Remove from album</span>
    </button>
  );
}
