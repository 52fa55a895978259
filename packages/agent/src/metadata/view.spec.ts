import { describe, expect, it } from 'vitest';
import type { AlbumRecord } from '../state/album.repository.js';
import type { RemoteMetadata } from '../state/remote.repository.js';
import { albumListings, albumNamesOf, findAlbum, metadataView, type PendingChange } from './view.js';

const remote = (id: string, patch: Partial<RemoteMetadata> = {}): RemoteMetadata => ({
  id,
  trashed: false,
  favorite: false,
  hidden: false,
  caption: '',
  albumIds: [],
  ...patch,
});
const album = (id: string, name: string, patch: Partial<AlbumRecord> = {}): AlbumRecord => ({ id, name, deleted: false, createdAt: 1, updatedAt: 1, ...patch });
const pending = (...changes: PendingChange['change'][]): PendingChange[] => changes.map((change, i) => ({ change, createdAt: 100 + i }));

describe('metadataView', () => {
  it('lays the changes not yet delivered over the cloud’s last word, in the order they were made', () => {
    const view = metadataView(
      [remote('a1', { favorite: true, albumIds: ['trip'] }), remote('a2')],
      [album('trip', 'Trip')],
      pending(
        { kind: 'asset', assetIds: ['a1', 'a2'], favorite: false },
        { kind: 'asset', assetIds: ['a2'], favorite: true, hidden: true },
        { kind: 'album.create', albumId: 'new', name: 'New' },
        { kind: 'album.add', albumId: 'new', assetIds: ['a1', 'a2'] },
        { kind: 'album.remove', albumId: 'trip', assetIds: ['a1'] },
        { kind: 'album.rename', albumId: 'new', name: 'Newer' },
      ),
    );
    expect(view.assets.get('a1')).toMatchObject({ favorite: false, albumIds: ['new'] });
    expect(view.assets.get('a2')).toMatchObject({ favorite: true, hidden: true, albumIds: ['new'] });
    expect(albumNamesOf(view, view.assets.get('a1')!)).toEqual(['Newer']);
    expect(view.albums.get('new')).toMatchObject({ name: 'Newer', pending: true, createdAt: 102 });
  });

  it('lists live albums by name with the count of live assets and their local paths', () => {
    const view = metadataView(
      [remote('a1', { albumIds: ['x', 'gone'] }), remote('a2', { albumIds: ['x'] }), remote('a3', { albumIds: ['x'], trashed: true })],
      [album('x', 'Lisbon'), album('gone', 'Old', { deleted: true }), album('y', 'Empty')],
      pending(),
    );
    const paths: Record<string, string[]> = { a1: ['b.jpg', 'a.jpg'] };
    expect(albumListings(view, (id) => paths[id] ?? [])).toEqual([
      { id: 'y', name: 'Empty', count: 0, paths: [] },
      { id: 'x', name: 'Lisbon', count: 2, paths: ['a.jpg', 'b.jpg'] },
    ]);
    expect(albumNamesOf(view, view.assets.get('a1')!)).toEqual(['Lisbon']);
  });

  it('finds an album by id, by exact name (the oldest of twins), or by its only case-folded name', () => {
    const view = metadataView(
      [],
      [album('t2', 'Trip', { createdAt: 5 }), album('t1', 'Trip', { createdAt: 2 }), album('d', 'Dead', { deleted: true }), album('c', 'Cats')],
      pending({ kind: 'album.delete', albumId: 'c' }),
    );
    expect(findAlbum(view, 't2')?.id).toBe('t2');
    expect(findAlbum(view, 'Trip')?.id).toBe('t1');
    expect(findAlbum(view, 'trip')).toBeUndefined();
    expect(findAlbum(view, 'Dead')).toBeUndefined();
    expect(findAlbum(view, 'Cats'), 'deleted here, not yet delivered').toBeUndefined();
  });
});
