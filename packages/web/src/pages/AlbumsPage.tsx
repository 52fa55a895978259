import { ROUTES, type Album } from '@skyroll/protocol';
import { useState } from 'react';
import { Link } from 'wouter';
import { createAlbum, listAlbums } from '../assets/asset-actions';
import { itemCount } from '../components/format';
import { NameDialog } from '../components/NameDialog';
import { useResource } from '../components/useResource';
import { Page } from '../layout/Page';
import { useLiveEvents } from '../live/events';
import { AlbumIcon, ChevronRightIcon, HiddenIcon, PlusIcon } from '../ui/icons';
import './AlbumsPage.css';

/** The account's albums, newest first; an album made on any device appears here live. */
export function AlbumsPage() {
  const albums = useResource(loadAlbums);
  const [creating, setCreating] = useState(false);
  useLiveEvents('journal', albums.reload);

  async function create(name: string) {
    const album = await createAlbum(name);
    albums.update((list) => [album, ...list.filter((a) => a.id !== album.id)]);
  }

  return (
    <Page
      title="Albums"
      subtitle={albums.data && (albums.data.length === 1 ? '1 album' : `${albums.data.length} albums`)}
      actions={
        <button type="button" data-testid="album-create" className="button primary" onClick={() => setCreating(true)}>
          <PlusIcon /> <span className="label">New album</span>
        </button>
      }
    >
      {albums.error && (
        <p role="alert" className="form-error">
          {albums.error}
        </p>
      )}
      {albums.data && albums.data.length === 0 && (
        <div data-testid="albums-empty" className="empty-state">
          <strong>No albums yet</strong>
          <span>Make one, then add photos to it from the viewer or by selecting them in Photos.</span>
        </div>
      )}
      <ul className="albums-grid">
        {albums.data?.map((album) => (
          <li key={album.id}>
            <Link href={`/albums/${album.id}`} className="album-card" data-testid="album" data-album-id={album.id}>
              <div className="album-cover">
                {album.coverAssetId ? (
                  <img src={ROUTES.thumbnail(album.coverAssetId)} alt="" loading="lazy" decoding="async" />
                ) : (
                  <span className="album-cover-empty" data-testid="album-cover-empty">
                    <AlbumIcon />
                    Empty
                  </span>
                )}
              </div>
              <span className="album-name">{album.name}</span>
              <span className="album-count muted">{itemCount(album.assetCount)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {/* The phone's tab bar has no room for Hidden: it is here, as in the Photos app's Utilities. */}
      <section className="albums-utilities" aria-label="Utilities">
        <h2>Utilities</h2>
        <Link href="/hidden" className="utility-link">
          <HiddenIcon /> <span>Hidden</span> <ChevronRightIcon className="utility-chevron" />
        </Link>
      </section>
      {creating && (
        <NameDialog
          title="New album"
          label="Name"
          inputName="album-name"
          confirmLabel="Create"
          onSubmit={create}
          onClose={() => setCreating(false)}
        />
      )}
    </Page>
  );
}

async function loadAlbums(): Promise<Album[]> {
  const albums = await listAlbums();
  return albums.filter((a) => !a.deleted).sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
}
