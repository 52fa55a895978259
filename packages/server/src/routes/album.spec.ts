import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc, type Album, type Asset, type JournalPage } from '@skyroll/protocol';
import {
  ENGINES,
  makeJpeg,
  request,
  type Session,
  type SpecServer,
  startSpecServer,
  type TestServer,
  uploadAndCommit,
} from '../testing/harness.js';

const at = (wall: number, node = 'phone') => formatHlc({ wall, counter: 0, node });

describe.each(ENGINES)('on %s', (engine) => {
  let spec: SpecServer;
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let seed = 1000;

  beforeAll(async () => {
    spec = await startSpecServer(engine, 'albums');
    ({ server, alice, bob } = spec);
  });
  afterAll(() => spec?.close());

  const upload = async (session = alice, takenAt = '2024:05:01 12:00:00'): Promise<Asset> =>
    uploadAndCommit(server.url, session.token, await makeJpeg(++seed, takenAt), `albums/${seed}.jpg`);
  const call = <T = any>(method: string, route: string, json?: unknown, session = alice) =>
    request<T>(server.url, route, { method, token: session.token, json });
  const create = (body: { id?: string; name: string; hlc?: string }, session = alice) =>
    call<{ album: Album }>('POST', '/api/albums', body, session);
  const members = (albumId: string, op: 'POST' | 'DELETE', assetIds: string[], hlc?: string, session = alice) =>
    call<{ album: Album; assets: Asset[] }>(op, `/api/albums/${albumId}/assets`, { assetIds, hlc }, session);
  const asset = async (id: string) => (await call<Asset>('GET', `/api/assets/${id}`)).body;
  const head = async () => (await call<JournalPage>('GET', '/api/journal?after=0&limit=1')).body.head;
  const entriesAfter = async (after: number) => (await call<JournalPage>('GET', `/api/journal?after=${after}`)).body.entries;

  describe('albums', () => {
    it('creates idempotently by id, journals album.updated once, and lists it', async () => {
      const id = crypto.randomUUID();
      const before = await head();
      const first = await create({ id, name: '  Summer  ' });
      expect(first.status).toBe(200);
      expect(first.body.album).toMatchObject({ id, name: 'Summer', assetCount: 0, coverAssetId: null, deleted: false });
      const again = await create({ id, name: 'Summer' });
      expect(again.body.album).toEqual(first.body.album);
      const entries = await entriesAfter(before);
      expect(entries.map((e) => [e.type, e.assetId, e.album?.id, e.album?.name])).toEqual([['album.updated', null, id, 'Summer']]);
      expect(entries[0]!.asset).toBeNull();
      const list = await call<{ albums: Album[] }>('GET', '/api/albums');
      expect(list.body.albums.map((a) => a.id)).toContain(id);
      // Without an id the server picks one.
      expect((await create({ name: 'Other' })).body.album.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('renames, last writer wins', async () => {
      const { album } = (await create({ name: 'Trip', hlc: at(1_000) })).body;
      const renamed = await call<{ album: Album }>('PATCH', `/api/albums/${album.id}`, { name: 'Trip 2024', hlc: at(3_000) });
      expect(renamed.body.album.name).toBe('Trip 2024');
      const before = await head();
      const stale = await call<{ album: Album }>('PATCH', `/api/albums/${album.id}`, { name: 'Trip (old)', hlc: at(2_000, 'laptop') });
      expect(stale.body.album.name).toBe('Trip 2024');
      expect(await entriesAfter(before)).toEqual([]);
    });

    it('adds and removes assets: albumIds, count, cover and journal follow', async () => {
      const older = await upload(alice, '2020:01:01 10:00:00');
      const newer = await upload(alice, '2023:06:01 10:00:00');
      const { album } = (await create({ name: 'Family' })).body;
      const before = await head();
      const added = await members(album.id, 'POST', [older.id, newer.id]);
      expect(added.status).toBe(200);
      expect(added.body.album).toMatchObject({ assetCount: 2, coverAssetId: newer.id });
      expect(added.body.assets.map((a) => a.albumIds)).toEqual([[album.id], [album.id]]);
      expect((await entriesAfter(before)).map((e) => [e.type, e.assetId, e.asset?.albumIds])).toEqual([
        ['asset.metadata', older.id, [album.id]],
        ['asset.metadata', newer.id, [album.id]],
      ]);
      // Adding again changes nothing visible: no entry.
      const mid = await head();
      await members(album.id, 'POST', [older.id]);
      expect(await entriesAfter(mid)).toEqual([]);

      const removed = await members(album.id, 'DELETE', [newer.id]);
      expect(removed.body.album).toMatchObject({ assetCount: 1, coverAssetId: older.id });
      expect((await asset(newer.id)).albumIds).toEqual([]);
      expect((await asset(older.id)).albumIds).toEqual([album.id]);
      // A trashed member is not counted, a hidden one neither; both stay members.
      await call('POST', '/api/assets/trash', { assetIds: [older.id] });
      expect((await call<{ album: Album }>('GET', `/api/albums/${album.id}`)).body.album).toMatchObject({ assetCount: 0, coverAssetId: null });
      expect((await asset(older.id)).albumIds).toEqual([album.id]);
    });

    it('deletes for good: a tombstone, assets kept, no later change revives it', async () => {
      const photo = await upload();
      const { album } = (await create({ name: 'Doomed' })).body;
      await members(album.id, 'POST', [photo.id]);
      const before = await head();
      const deleted = await call<{ album: Album }>('DELETE', `/api/albums/${album.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.album).toMatchObject({ id: album.id, deleted: true, assetCount: 0 });
      expect((await entriesAfter(before)).map((e) => [e.type, e.album?.id, e.album?.deleted])).toEqual([['album.deleted', album.id, true]]);
      // The asset stays, outside the deleted album.
      expect(await asset(photo.id)).toMatchObject({ trashedAt: null, albumIds: [] });
      expect((await call<{ albums: Album[] }>('GET', '/api/albums')).body.albums.map((a) => a.id)).not.toContain(album.id);
      expect((await call<{ albums: Album[] }>('GET', '/api/albums?deleted=true')).body.albums.find((a) => a.id === album.id)?.deleted).toBe(true);
      expect((await call<{ album: Album }>('GET', `/api/albums/${album.id}`)).body.album.deleted).toBe(true);
      // A late rename or add from another device: the album is gone.
      expect((await call('PATCH', `/api/albums/${album.id}`, { name: 'Back?', hlc: at(Date.now() + 60_000) })).status).toBe(404);
      expect((await members(album.id, 'POST', [photo.id])).status).toBe(404);
      // Deleting again and re-creating the same id answer the tombstone.
      expect((await call<{ album: Album }>('DELETE', `/api/albums/${album.id}`, { hlc: at(1) })).body.album.deleted).toBe(true);
      expect((await create({ id: album.id, name: 'Again' })).body.album).toMatchObject({ deleted: true, name: 'Doomed' });
      expect(await entriesAfter(before)).toHaveLength(1);
    });

    it("another account's album or asset is unknown: 404, and nothing changes", async () => {
      const mine = await upload(alice);
      const theirs = await upload(bob);
      const { album } = (await create({ name: 'Private' })).body;
      expect((await call('GET', `/api/albums/${album.id}`, undefined, bob)).status).toBe(404);
      expect((await call('PATCH', `/api/albums/${album.id}`, { name: 'Mine now' }, bob)).status).toBe(404);
      expect((await call('DELETE', `/api/albums/${album.id}`, undefined, bob)).status).toBe(404);
      expect((await members(album.id, 'POST', [theirs.id], undefined, bob)).status).toBe(404);
      expect((await call<{ albums: Album[] }>('GET', '/api/albums', undefined, bob)).body.albums.map((a) => a.id)).not.toContain(album.id);
      // Bob's asset into Alice's album, from Alice: unknown too, all or nothing.
      expect((await members(album.id, 'POST', [mine.id, theirs.id])).status).toBe(404);
      expect((await asset(mine.id)).albumIds).toEqual([]);
      // The same id created by Bob is his own album, without touching Alice's.
      expect((await create({ id: album.id, name: 'Bob' }, bob)).body.album.name).toBe('Bob');
      expect((await call<{ album: Album }>('GET', `/api/albums/${album.id}`)).body.album.name).toBe('Private');
    });

    it('a purged asset leaves its albums', async () => {
      const photo = await upload();
      const { album } = (await create({ name: 'Short-lived' })).body;
      await members(album.id, 'POST', [photo.id]);
      await call('POST', '/api/assets/trash', { assetIds: [photo.id] });
      expect((await call('POST', '/api/trash/purge', { assetIds: [photo.id] })).status).toBe(200);
      expect((await call<{ album: Album }>('GET', `/api/albums/${album.id}`)).body.album.assetCount).toBe(0);
      // Adding the purged id fails: it is unknown now.
      expect((await members(album.id, 'POST', [photo.id])).status).toBe(404);
    });

    it('adds and removes converge: any order of the same changes gives the same album', async () => {
      const photos = [await upload(), await upload(), await upload()];
      const op = fc.record({ asset: fc.integer({ min: 0, max: photos.length - 1 }), add: fc.boolean(), node: fc.constantFrom('phone', 'laptop') });
      // Distinct walls: each change has its own time, as on real devices; then the same changes in another order.
      const changes = fc
        .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 6 })
        .chain((walls) => fc.array(op, { minLength: walls.length, maxLength: walls.length }).map((ops) => ops.map((o, i) => ({ ...o, hlc: at(walls[i]!, o.node) }))))
        .chain((stamped) => fc.tuple(fc.constant(stamped), fc.shuffledSubarray(stamped, { minLength: stamped.length, maxLength: stamped.length })));
      await fc.assert(
        fc.asyncProperty(changes, async ([stamped, shuffled]) => {
          const finals: string[][] = [];
          for (const order of [stamped, shuffled]) {
            const { album } = (await create({ name: 'Converge' })).body;
            for (const change of order) {
              const res = await members(album.id, change.add ? 'POST' : 'DELETE', [photos[change.asset]!.id], change.hlc);
              expect(res.status).toBe(200);
            }
            const now = await Promise.all(photos.map((p) => asset(p.id)));
            finals.push(now.filter((p) => p.albumIds.includes(album.id)).map((p) => p.id));
          }
          // The latest change of each asset decides, whatever the order.
          const expected = photos
            .filter((_, i) => {
              const last = stamped.filter((c) => c.asset === i).sort((a, b) => (a.hlc < b.hlc ? -1 : 1)).at(-1);
              return last?.add === true;
            })
            .map((p) => p.id);
          expect(finals[0]).toEqual(expected);
          expect(finals[1]).toEqual(expected);
        }),
        { numRuns: engine === 'sqlite' ? 8 : 4 },
      );
    });
  });
});
