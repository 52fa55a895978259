import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Asset, JournalPage } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import { pullJournal } from './journal.js';

function asset(n: number, patch: Partial<Asset> = {}): Asset {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    checksum: String(n).repeat(64),
    size: 10,
    type: 'photo',
    mime: 'image/jpeg',
    width: null,
    height: null,
    takenAt: null,
    path: `p${n}.jpg`,
    originDeviceId: null,
    createdAt: 1,
    updatedAt: 1,
    trashedAt: null,
    version: 1,
    ...patch,
  };
}

/** A journal served in pages of two. */
function fakeApi(entries: JournalPage['entries'], failAfter?: number): ApiClient {
  return {
    async journal(after: number) {
      if (failAfter !== undefined && after >= failAfter) throw new Error('connection lost');
      const page = entries.filter((e) => e.seq > after).slice(0, 2);
      const cursor = page.at(-1)?.seq ?? after;
      return { entries: page, cursor, more: entries.some((e) => e.seq > cursor), head: entries.at(-1)?.seq ?? 0 };
    },
  } as unknown as ApiClient;
}

const entries: JournalPage['entries'] = [
  { seq: 1, type: 'asset.added', assetId: asset(1).id, asset: asset(1), deviceId: null, at: 1 },
  { seq: 2, type: 'asset.added', assetId: asset(2).id, asset: asset(2), deviceId: null, at: 2 },
  { seq: 3, type: 'asset.moved', assetId: asset(1).id, asset: asset(1, { path: 'moved.jpg', updatedAt: 3 }), deviceId: null, at: 3 },
  { seq: 4, type: 'asset.purged', assetId: asset(2).id, asset: null, deviceId: null, at: 4 },
  { seq: 5, type: 'asset.trashed', assetId: asset(3).id, asset: asset(3, { trashedAt: 5, updatedAt: 5 }), deviceId: null, at: 5 },
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
    await expect(pullJournal(fakeApi(entries, 2), state)).rejects.toThrow('connection lost');
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
});
