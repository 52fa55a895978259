import type { Album } from '@skyroll/protocol';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../api-errors';
import { Dialog } from '../ui/dialog';
import { PlusIcon } from '../ui/icons';
import { addToAlbum, createAlbum, listAlbums } from './asset-actions';

/** Picks an album (or makes a new one) and adds the assets to it. */
export function AddToAlbumDialog({ assetIds, onDone, onCancel }: { assetIds: readonly string[]; onDone: (album: Album) => void; onCancel: () => void }) {
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [newName, setNewName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listAlbums().then(setAlbums, (err: unknown) => setError(errorMessage(err)));
  }, []);

  const add = async (album: Album | string) => {
    setBusy(true);
    setError(null);
    try {
      const target = typeof album === 'string' ? await createAlbum(album) : album;
      const result = await addToAlbum(target.id, assetIds);
      onDone(result.album);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  const submitNew = (e: FormEvent) => {
    e.preventDefault();
    if (newName.trim()) void add(newName.trim());
  };

  return (
    <Dialog title={assetIds.length === 1 ? 'Add to album' : `Add ${assetIds.length} items to album`} onClose={onCancel}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ul className="album-picker">
        {albums === null && !error && <li className="muted">Loading albums…</li>}
        {albums?.length === 0 && <li className="muted">No albums yet: name a new one below.</li>}
        {albums?.map((album) => (
          <li key={album.id}>
            <button type="button" className="album-option" data-testid="album-option" data-album-id={album.id} disabled={busy} onClick={() => void add(album)}>
              <span>{album.name}</span>
              <span className="muted">{album.assetCount}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="album-new" onSubmit={submitNew}>
        <input name="album-name" placeholder="New album" value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={200} />
        <button type="submit" className="button primary" data-testid="confirm" disabled={busy || !newName.trim()}>
          <PlusIcon /> Create and add
        </button>
      </form>
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
