import { useState } from 'react';
import { errorMessage } from '../api-errors';
import { AddToAlbumDialog } from '../assets/AddToAlbumDialog';
import { RemoveFromAlbumButton } from '../components/RemoveFromAlbumButton';
import { moveToTrash, restoreFromTrash, setMetadata } from '../assets/asset-actions';
import { useToast } from '../ui/toast';
import { AlbumIcon, CloseIcon, EyeIcon, HeartIcon, HiddenIcon, TrashIcon } from '../ui/icons';
import type { TimelineStore } from './timeline-store';

/** What can be done to the selected assets at once. */
export function SelectionBar({ ids, store, onClear }: { ids: string[]; store: TimelineStore; onClear: () => void }) {
  const toast = useToast();
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const allFavorite = ids.every((id) => store.find(id)?.favorite);
  const onHiddenPage = store.filter.hidden === true;
  const noun = ids.length === 1 ? '1 item' : `${ids.length} items`;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const favorite = () =>
    run(async () => {
      store.patchAssets(ids, { favorite: !allFavorite });
      await setMetadata(ids, { favorite: !allFavorite });
    });
  const hide = () =>
    run(async () => {
      await setMetadata(ids, { hidden: !onHiddenPage });
      store.removeAssets(ids);
      onClear();
      toast.info(onHiddenPage ? `${noun} back in Photos` : `${noun} hidden`);
    });
  const trash = () =>
    run(async () => {
      const trashed = [...ids];
      await moveToTrash(trashed);
      store.removeAssets(trashed);
      onClear();
      toast.info(`${noun} moved to Recently Deleted`, {
        label: 'Undo',
        run: () => void restoreFromTrash(trashed).catch((err: unknown) => toast.error(errorMessage(err))),
      });
    });

  return (
    <div className="selection-bar" data-testid="selection-bar" role="toolbar" aria-label="Selected items">
      <button type="button" className="icon-button" aria-label="Clear selection" onClick={onClear}>
        <CloseIcon />
      </button>
      <span className="selection-count" data-testid="selection-count">
        {ids.length} selected
      </span>
      <div className="selection-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void favorite()} data-testid="selection-favorite">
          <HeartIcon filled={allFavorite} /> <span className="label">{allFavorite ? 'Unfavorite' : 'Favorite'}</span>
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void hide()} data-testid="selection-hide">
          {onHiddenPage ? <EyeIcon /> : <HiddenIcon />} <span className="label">{onHiddenPage ? 'Unhide' : 'Hide'}</span>
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setPicking(true)} data-testid="selection-add-to-album">
          <AlbumIcon /> <span className="label">Add to album</span>
        </button>
        {store.filter.albumId && <RemoveFromAlbumButton ids={ids} store={store} onDone={onClear} />}
        <button type="button" className="button danger" disabled={busy} onClick={() => void trash()} data-testid="selection-delete">
          <TrashIcon /> <span className="label">Delete</span>
        </button>
      </div>
      {picking && (
        <AddToAlbumDialog
          assetIds={ids}
          onCancel={() => setPicking(false)}
          onDone={(album) => {
            setPicking(false);
            onClear();
            toast.info(`Added ${noun} to ${album.name}`);
          }}
        />
      )}
    </div>
  );
}
