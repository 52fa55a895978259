import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc, type Asset, type JournalEntry, type JournalPage } from '@skyroll/protocol';
import {
  ENGINES,
  eventually,
  FAST_JOBS,
  makeJpeg,
  request,
  type Session,
  type SpecServer,
  startSpecServer,
  type TestServer,
  uploadAndCommit,
  withDatabase,
} from '../testing/harness.js';

/** A device's clock reading: later wall times win. */
const at = (wall: number, node = 'phone') => formatHlc({ wall, counter: 0, node });

describe.each(ENGINES)('on %s', (engine) => {
  let spec: SpecServer;
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let seed = 0;

  beforeAll(async () => {
    spec = await startSpecServer(engine, 'metadata', FAST_JOBS);
    ({ server, alice, bob } = spec);
  });
  afterAll(() => spec?.close());

  const upload = async (session = alice): Promise<Asset> => uploadAndCommit(server.url, session.token, await makeJpeg(++seed), `meta/${seed}.jpg`);
  const patch = (id: string, body: unknown, session = alice) =>
    request<{ asset: Asset }>(server.url, `/api/assets/${id}/metadata`, { method: 'PATCH', token: session.token, json: body });
  const head = async () => (await request<JournalPage>(server.url, '/api/journal?after=0&limit=1', { token: alice.token })).body.head;
  const entriesAfter = async (after: number) =>
    (await request<JournalPage>(server.url, `/api/journal?after=${after}`, { token: alice.token })).body.entries;

  describe('metadata: last writer wins per field', () => {
    it('a new asset has default metadata, and a change without hlc applies at once and is journaled', async () => {
      const asset = await upload();
      expect(asset).toMatchObject({ favorite: false, hidden: false, caption: '', albumIds: [] });
      const before = await head();
      const res = await patch(asset.id, { favorite: true, caption: 'Beach' });
      expect(res.status).toBe(200);
      expect(res.body.asset).toMatchObject({ id: asset.id, favorite: true, hidden: false, caption: 'Beach' });
      const entries = await entriesAfter(before);
      expect(entries.map((e) => [e.type, e.assetId, e.asset?.favorite, e.asset?.caption])).toEqual([['asset.metadata', asset.id, true, 'Beach']]);
      expect((await request<Asset>(server.url, `/api/assets/${asset.id}`, { token: alice.token })).body.favorite).toBe(true);
    });

    it('an older hlc loses (no journal entry), a newer one wins', async () => {
      const asset = await upload();
      expect((await patch(asset.id, { favorite: true, hlc: at(2_000_000) })).body.asset.favorite).toBe(true);
      const before = await head();
      const stale = await patch(asset.id, { favorite: false, hlc: at(1_000_000, 'laptop') });
      expect(stale.status).toBe(200);
      expect(stale.body.asset.favorite).toBe(true);
      expect(await entriesAfter(before)).toEqual([]);

      const newer = await patch(asset.id, { favorite: false, hlc: at(3_000_000, 'laptop') });
      expect(newer.body.asset.favorite).toBe(false);
      expect((await entriesAfter(before)).map((e) => [e.type, e.asset?.favorite])).toEqual([['asset.metadata', false]]);
    });

    it('fields are independent: an edit older than the favorite still sets hidden and caption', async () => {
      const asset = await upload();
      await patch(asset.id, { favorite: true, hlc: at(5_000_000) });
      const res = await patch(asset.id, { favorite: false, hidden: true, caption: 'x', hlc: at(4_000_000) });
      expect(res.body.asset).toMatchObject({ favorite: true, hidden: true, caption: 'x' });
      // The same clock again is not later: nothing changes.
      const same = await patch(asset.id, { caption: 'y', hlc: at(4_000_000) });
      expect(same.body.asset.caption).toBe('x');
    });

    it('a change that wins but sets the same value journals nothing, and moves the field clock', async () => {
      const asset = await upload();
      await patch(asset.id, { favorite: true, hlc: at(10_000_000) });
      const before = await head();
      expect((await patch(asset.id, { favorite: true, hlc: at(12_000_000) })).status).toBe(200);
      expect(await entriesAfter(before)).toEqual([]);
      // A change between the two is now older than the field.
      expect((await patch(asset.id, { favorite: false, hlc: at(11_000_000) })).body.asset.favorite).toBe(true);
    });

    it('POST /api/assets/metadata changes many at once, all or nothing', async () => {
      const [a, b] = [await upload(), await upload()];
      const res = await request<{ assets: Asset[] }>(server.url, '/api/assets/metadata', {
        token: alice.token,
        json: { assetIds: [a.id, b.id], hidden: true },
      });
      expect(res.status).toBe(200);
      expect(res.body.assets.map((x) => [x.id, x.hidden])).toEqual([
        [a.id, true],
        [b.id, true],
      ]);
      const missing = await request(server.url, '/api/assets/metadata', {
        token: alice.token,
        json: { assetIds: [a.id, crypto.randomUUID()], hidden: false },
      });
      expect(missing.status).toBe(404);
      expect((await request<Asset>(server.url, `/api/assets/${a.id}`, { token: alice.token })).body.hidden).toBe(true);
    });

    it("another account's asset is unknown: 404 and nothing changes", async () => {
      const mine = await upload();
      const res = await patch(mine.id, { favorite: true }, bob);
      expect(res.status).toBe(404);
      expect((await request(server.url, '/api/assets/metadata', { token: bob.token, json: { assetIds: [mine.id], favorite: true } })).status).toBe(404);
      expect((await request<Asset>(server.url, `/api/assets/${mine.id}`, { token: alice.token })).body.favorite).toBe(false);
    });

    it('a trashed asset keeps its metadata, can be edited, and gets it back on restore', async () => {
      const asset = await upload();
      await patch(asset.id, { favorite: true, caption: 'keep' });
      await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
      const trash = await request<{ assets: Asset[] }>(server.url, '/api/trash', { token: alice.token });
      expect(trash.body.assets.find((a) => a.id === asset.id)).toMatchObject({ favorite: true, caption: 'keep' });
      expect((await patch(asset.id, { hidden: true })).body.asset).toMatchObject({ hidden: true, trashedAt: expect.any(Number) });
      const restored = await request<{ assets: Asset[] }>(server.url, '/api/assets/restore', { token: alice.token, json: { assetIds: [asset.id] } });
      expect(restored.body.assets[0]).toMatchObject({ favorite: true, hidden: true, caption: 'keep', trashedAt: null });
    });

    it('rejects a malformed hlc and unknown fields', async () => {
      const asset = await upload();
      expect((await patch(asset.id, { favorite: true, hlc: 'yesterday' })).status).toBe(400);
      expect((await patch(asset.id, { starred: true })).status).toBe(400);
    });
  });

  describe('asset fields', () => {
    it('media goes from pending to ready with a thumbhash once the derivatives are made', async () => {
      const asset = await upload();
      expect(asset).toMatchObject({ media: expect.stringMatching(/^(pending|ready)$/), mediaError: null, durationMs: null });
      const ready = await eventually(
        async () => {
          const res = await request<Asset>(server.url, `/api/assets/${asset.id}`, { token: alice.token });
          return res.body.media === 'ready' ? res.body : undefined;
        },
        15_000,
        'the derivatives',
      );
      expect(ready.thumbhash).toMatch(/^[A-Za-z0-9+/=]+$/);
    });

    it('a journal entry written before metadata existed still reads as a whole Asset', async () => {
      const asset = await upload();
      const old: Record<string, unknown> = { ...asset };
      for (const field of ['favorite', 'hidden', 'caption', 'albumIds', 'thumbhash', 'durationMs', 'media', 'mediaError']) delete old[field];
      await withDatabase(server, (db) =>
        db.updateTable('journal').set({ asset_json: JSON.stringify(old) }).where('asset_id', '=', asset.id).execute(),
      );
      const entries = (await request<JournalPage>(server.url, '/api/journal?after=0&limit=1000', { token: alice.token })).body.entries;
      const entry = entries.find((e: JournalEntry) => e.assetId === asset.id)!;
      expect(entry.asset).toEqual({
        ...old,
        favorite: false,
        hidden: false,
        caption: '',
        albumIds: [],
        thumbhash: null,
        durationMs: null,
        media: 'pending',
        mediaError: null,
      });
      expect(entry.album).toBeNull();
    });
  });
});
