import { ROUTES, type Album } from '@skyroll/protocol';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError } from '../api';
import type { AlbumResponse } from '../api-types';
import { ActionDialog } from '../components/ActionDialog';
import { deleteAlbum, renameAlbum } from '../components/album-actions';
import { itemCount } from '../components/format';
import { NameDialog } from '../components/NameDialog';
import { useResource } from '../components/useResource';
import { Page } from '../layout/Page';
import { useLiveEvents } from '../live/events';
import { Timeline } from '../timeline/Timeline';
import { ChevronLeftIcon } from '../ui/icons';
import './AlbumPage.css';

/** An album that is gone: deleted (here or on another device), or never this account's. */
type AlbumState = { album: Album } | { gone: true };

/** One album: its name, rename and delete, and its photos and videos as a timeline. */
export function AlbumPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const state = useResource(() => loadAlbum(id), id);
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  useLiveEvents('journal', state.reload);
  const filter = useMemo(() => ({ albumId: id }), [id]);
  const album = state.data && 'album' in state.data ? state.data.album : null;

  if (state.data && 'gone' in state.data) {
    return (
      <Page title="Album">
        <div className="empty-state" data-testid="album-gone">
          <strong>This album no longer exists</strong>
          <span>
            It was deleted, perhaps on another device. <Link href="/albums">All albums</Link>
          </span>
        </div>
      </Page>
    );
  }

  return (
    <Page
      title={album?.name ?? 'Album'}
      subtitle={
        <>
          <Link href="/albums" className="album-back">
            <ChevronLeftIcon /> Albums
          </Link>
          {album && <> · {itemCount(album.assetCount)}</>}
        </>
      }
      fill
      actions={
        <>
          <button type="button" data-testid="album-rename" className="button" disabled={!album} onClick={() => setDialog('rename')}>
            Rename
          </button>
          <button type="button" data-testid="album-delete" className="button danger" disabled={!album} onClick={() => setDialog('delete')}>
            Delete
          </button>
        </>
      }
    >
      {state.error && (
        <p role="alert" className="form-error album-error">
          {state.error}
        </p>
      )}
      <Timeline
        filter={filter}
        emptyText={
          <>
            <strong>This album is empty</strong>
            <span>Open a photo and choose Add to album, or select some in Photos, to put them here.</span>
          </>
        }
      />

      {dialog === 'rename' && album && (
        <NameDialog
          title="Rename album"
          label="Name"
          inputName="album-name"
          initial={album.name}
          confirmLabel="Rename"
          onSubmit={async (name) => {
            const renamed = await renameAlbum(id, name);
            state.update(() => ({ album: renamed }));
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && album && (
        <ActionDialog
          title={`Delete “${album.name}”?`}
          confirmLabel="Delete album"
          danger
          onConfirm={async () => {
            await deleteAlbum(id);
            navigate('/albums');
          }}
          onClose={() => setDialog(null)}
        >
          The album is removed from every device. The photos and videos in it stay in your library.
        </ActionDialog>
      )}
    </Page>
  );
}

async function loadAlbum(id: string): Promise<AlbumState> {
  try {
    const { album } = await api<AlbumResponse>('GET', ROUTES.album(id));
    return album.deleted ? { gone: true } : { album };
  } catch (err) {
    // Another account's album is as unknown as a missing one (and a malformed id is refused).
    if (err instanceof ApiError && (err.code === 'NOT_FOUND' || err.status === 400)) return { gone: true };
    throw err;
  }
}
