import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalPage } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../state/state.js';
import { albumFixture as album, assetFixture as asset } from '../testing/fixtures.js';
import type { ApiClient } from '../transfer/api-client.js';
import { pullJournal } from './journal.js';

/** A journal served in pages of two; `beforeAnswer` runs while a page is on its way. */
function fakeApi(entries: JournalPage['entries'], options: { failAfter?: number; beforeAnswer?: (after: number) => void } = {}): ApiClient {
  return {
    async journal(after: number) {
      if (options.failAfter !== undefined && after >= options.failAfter) throw new Error('connection lost');
      const page = entries.filter((e) => e.seq > after).slice(0, 2);
      const cursor = page.at(-1)?.seq ?? after;
      options.beforeAnswer?.(after);
      return { entries: page, cursor, more: entries.some((e) => e.seq > cursor), head: entries.at(-1)?.seq ?? 0 };
    },
  } as unknown as ApiClient;
}

type Entry = JournalPage['entries'][number];
const assetEntry = (seq: number, type: Entry['type'], a: ReturnType<typeof asset> | null, id = a?.id ?? null): Entry => ({
  seq,
  type,
  assetId: id,
  asset: a,
  album: null,
  deviceId: null,
  at: seq,
});
const albumEntry = (seq: number, type: 'album.updated' | 'album.deleted', al: ReturnType<typeof album>): Entry => ({
  seq,
  type,
  assetId: null,
  asset: null,
  album: al,
  deviceId: null,
  at: seq,
});

const entries: Entry[] = [
  assetEntry(1, 'asset.added', asset(1)),
  assetEntry(2, 'asset.added', asset(2)),
  assetEntry(3, 'asset.moved', asset(1, { path: 'moved.jpg', updatedAt: 3 })),
  assetEntry(4, 'asset.purged', null, asset(2).id),
  assetEntry(5, 'asset.trashed', asset(3, { trashedAt: 5, updatedAt: 5 })),
];

describe('pullJournal', () => {
  it('folds every page into the remote assets and moves the cursor with them', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    expect(await pullJournal(fakeApi(entries), state)).toBe(5);
    expect(state.meta.cursor()).toBe(5);
    expect(state.remote.all().sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { id: asset(1).id, checksum: asset(1).checksum, path: 'moved.jpg', trashed: false, version: 1 },
      { id: asset(3).id, checksum: asset(3).checksum, path: 'p3.jpg', trashed: true, version: 1 },
    ]);
    expect(await pullJournal(fakeApi(entries), state)).toBe(0);
    state.close();
  });

  it('a failure between pages keeps the pages already applied, cursor included', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    await expect(pullJournal(fakeApi(entries, { failAfter: 2 }), state)).rejects.toThrow('connection lost');
    expect(state.meta.cursor()).toBe(2);
    expect(state.remote.all()).toHaveLength(2);
    state.close();
  });

  it('an older state never overwrites a newer one already known', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    state.remote.put(asset(1, { path: 'newer.jpg', updatedAt: 10 }));
    await pullJournal(fakeApi(entries.slice(0, 1)), state);
    expect(state.remote.all()[0].path).toBe('newer.jpg');
    state.close();
  });

  it('album entries change the albums and never delete or touch an asset', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    const inAlbum = asset(1, { albumIds: [album(1).id], favorite: true, updatedAt: 2 });
    const journal: Entry[] = [
      assetEntry(1, 'asset.added', asset(1)),
      albumEntry(2, 'album.updated', album(1, { name: 'Lisbon' })),
      assetEntry(3, 'asset.metadata', inAlbum),
      albumEntry(4, 'album.updated', album(1, { name: 'Lisbon 2024', updatedAt: 4 })),
      albumEntry(5, 'album.updated', album(2, { name: 'Gone' })),
      albumEntry(6, 'album.deleted', album(2, { name: 'Gone', deleted: true, updatedAt: 6 })),
    ];
    expect(await pullJournal(fakeApi(journal), state)).toBe(6);
    expect(state.remote.all().map((a) => a.id)).toEqual([asset(1).id]);
    expect(state.remote.metadata()).toEqual([{ id: asset(1).id, trashed: false, favorite: true, hidden: false, caption: '', albumIds: [album(1).id] }]);
    expect(state.albums.all().map((a) => [a.name, a.deleted])).toEqual([
      ['Gone', true],
      ['Lisbon 2024', false],
    ]);
    state.close();
  });

  it('an album tombstone is kept: a late update cannot bring the album back', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    state.albums.put(album(1, { deleted: true, updatedAt: 5 }));
    state.albums.put(album(1, { name: 'Renamed', updatedAt: 9 }));
    expect(state.albums.get(album(1).id)).toMatchObject({ name: 'Renamed', deleted: true });
    state.albums.put(album(1, { name: 'Older', updatedAt: 3 }));
    expect(state.albums.get(album(1).id)?.name).toBe('Renamed');
    state.close();
  });

  it('a page read while another process moved the cursor is read again, not applied twice', async () => {
    const state = AgentState.open(mkdtempSync(join(tmpdir(), 'skyroll-journal-')));
    let raced = false;
    const api = fakeApi(entries, {
      beforeAnswer: (after) => {
        // A command reads the first page while the agent's request for it is on its way.
        if (after === 0 && !raced) {
          raced = true;
          state.remote.put(asset(1));
          state.remote.put(asset(2));
          state.meta.setCursor(2);
        }
      },
    });
    expect(await pullJournal(api, state)).toBe(3);
    expect(state.meta.cursor()).toBe(5);
    state.close();
  });
});
