import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset, TimelineBucketResponse, TimelineBucketsResponse } from '@skyroll/protocol';
import {
  ENGINES,
  makeJpeg,
  request,
  type Session,
  signupAndLogin,
  type SpecServer,
  startSpecServer,
  type TestServer,
  uploadAndCommit,
  withDatabase,
} from '../testing/harness.js';

describe.each(ENGINES)('on %s', (engine) => {
  let spec: SpecServer;
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let seed = 2000;
  /** Alice's library: name → asset. */
  const a: Record<string, Asset> = {};
  let albumId: string;

  const upload = async (exifDate: string): Promise<Asset> => uploadAndCommit(server.url, alice.token, await makeJpeg(++seed, exifDate), `timeline/${seed}.jpg`);
  const get = <T>(route: string, session = alice) => request<T>(server.url, route, { token: session.token });
  const buckets = async (query = '', session = alice) => {
    const res = await get<TimelineBucketsResponse>(`/api/timeline/buckets${query}`, session);
    expect(res.status).toBe(200);
    return res.body;
  };
  const bucket = async (month: string, query = '') => {
    const res = await get<TimelineBucketResponse>(`/api/timeline/bucket?bucket=${month}${query}`);
    expect(res.status).toBe(200);
    return res.body.assets.map((x) => x.id);
  };

  beforeAll(async () => {
    spec = await startSpecServer(engine, 'timeline');
    ({ server, alice, bob } = spec);
    a.mayFirst = await upload('2024:05:01 12:00:00');
    a.mayLate = await upload('2024:05:20 08:00:00');
    a.march = await upload('2024:03:10 09:00:00');
    a.newYearsEve = await upload('2023:12:31 23:30:00');
    a.trashed = await upload('2024:05:05 10:00:00');
    a.hidden = await upload('2024:03:01 10:00:00');
    await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [a.trashed.id] } });
    await request(server.url, `/api/assets/${a.hidden.id}/metadata`, { method: 'PATCH', token: alice.token, json: { hidden: true } });
    await request(server.url, `/api/assets/${a.mayFirst.id}/metadata`, { method: 'PATCH', token: alice.token, json: { favorite: true } });
    albumId = (await request(server.url, '/api/albums', { token: alice.token, json: { name: 'March' } })).body.album.id;
    await request(server.url, `/api/albums/${albumId}/assets`, { token: alice.token, json: { assetIds: [a.march.id, a.hidden.id] } });
    // A video, as far as the timeline is concerned: the type lives on the stored original.
    await withDatabase(server, (db) => db.updateTable('blobs').set({ type: 'video' }).where('checksum', '=', a.newYearsEve.checksum).execute());
  });
  afterAll(() => spec?.close());

  describe('timeline', () => {
    it('counts live, visible assets per UTC month, newest first; trashed and hidden left out', async () => {
      expect(await buckets()).toEqual({
        buckets: [
          { bucket: '2024-05', count: 2 },
          { bucket: '2024-03', count: 1 },
          { bucket: '2023-12', count: 1 },
        ],
        total: 4,
      });
    });

    it("lists one month's assets newest first, in the compact form", async () => {
      const res = await get<TimelineBucketResponse>('/api/timeline/bucket?bucket=2024-05');
      expect(res.body.bucket).toBe('2024-05');
      const compact = { type: 'photo', width: 64, height: 48, thumbhash: expect.toBeOneOf([null, expect.any(String)]), durationMs: null, media: expect.toBeOneOf(['pending', 'ready']) };
      expect(res.body.assets).toEqual([
        { id: a.mayLate.id, sortAt: Date.UTC(2024, 4, 20, 8), favorite: false, ...compact },
        { id: a.mayFirst.id, sortAt: Date.UTC(2024, 4, 1, 12), favorite: true, ...compact },
      ]);
      expect(await bucket('2024-04')).toEqual([]);
    });

    it('filters favorites', async () => {
      expect((await buckets('?favorite=true')).buckets).toEqual([{ bucket: '2024-05', count: 1 }]);
      expect(await bucket('2024-05', '&favorite=true')).toEqual([a.mayFirst.id]);
      expect(await bucket('2024-05', '&favorite=false')).toEqual([a.mayLate.id]);
    });

    it('shows hidden assets only when asked, and then only them; never the trashed', async () => {
      expect(await buckets('?hidden=true')).toEqual({ buckets: [{ bucket: '2024-03', count: 1 }], total: 1 });
      expect(await bucket('2024-03', '&hidden=true')).toEqual([a.hidden.id]);
      expect(await bucket('2024-03')).toEqual([a.march.id]);
      expect(await bucket('2024-05', '&hidden=true')).toEqual([]);
    });

    it('filters an album (its hidden members only with hidden=true)', async () => {
      expect(await buckets(`?albumId=${albumId}`)).toEqual({ buckets: [{ bucket: '2024-03', count: 1 }], total: 1 });
      expect(await bucket('2024-03', `&albumId=${albumId}`)).toEqual([a.march.id]);
      expect(await bucket('2024-03', `&albumId=${albumId}&hidden=true`)).toEqual([a.hidden.id]);
    });

    it('filters by type', async () => {
      expect((await buckets('?type=video')).buckets).toEqual([{ bucket: '2023-12', count: 1 }]);
      expect((await get<TimelineBucketResponse>('/api/timeline/bucket?bucket=2023-12&type=video')).body.assets[0]).toMatchObject({
        id: a.newYearsEve.id,
        type: 'video',
      });
      expect((await buckets('?type=photo')).total).toBe(3);
    });

    it("another account sees none of it, and another account's album is unknown", async () => {
      expect(await buckets('', bob)).toEqual({ buckets: [], total: 0 });
      expect((await get(`/api/timeline/buckets?albumId=${albumId}`, bob)).status).toBe(404);
      expect((await get(`/api/timeline/bucket?bucket=2024-03&albumId=${albumId}`, bob)).status).toBe(404);
      expect((await get(`/api/timeline/buckets?albumId=${crypto.randomUUID()}`)).status).toBe(404);
    });

    it('puts a photo taken before 1970 in its own month (days floor, never round toward 1970)', async () => {
      const carol = await signupAndLogin(server.url, 'carol-scanner');
      const scan: Asset = await uploadAndCommit(server.url, carol.token, await makeJpeg(++seed), 'scans/1969.jpg');
      const takenAt = Date.UTC(1969, 11, 31, 23, 0);
      await withDatabase(server, (db) => db.updateTable('assets').set({ taken_at: takenAt }).where('id', '=', scan.id).execute());
      expect(await buckets('', carol)).toEqual({ buckets: [{ bucket: '1969-12', count: 1 }], total: 1 });
      const res = await get<TimelineBucketResponse>('/api/timeline/bucket?bucket=1969-12', carol);
      expect(res.body.assets.map((x) => [x.id, x.sortAt])).toEqual([[scan.id, takenAt]]);
    });

    it('answers the month list again from memory until the journal moves, then follows every change', async () => {
      const dave = await signupAndLogin(server.url, 'dave-phone');
      const post = (route: string, json: unknown, method = 'POST') => request(server.url, route, { method, token: dave.token, json });
      const photo: Asset = await uploadAndCommit(server.url, dave.token, await makeJpeg(++seed, '2022:07:04 12:00:00'), 'cache/1.jpg');
      const july = { buckets: [{ bucket: '2022-07', count: 1 }], total: 1 };
      expect(await buckets('', dave)).toEqual(july);
      // A change behind the journal's back is not seen: the answer came from the cache.
      await withDatabase(server, (db) => db.updateTable('assets').set({ taken_at: Date.UTC(2021, 0, 1) }).where('id', '=', photo.id).execute());
      expect(await buckets('', dave)).toEqual(july);
      // Any change through the service appends to the journal: the next answer is counted afresh.
      await post(`/api/assets/${photo.id}/metadata`, { favorite: true }, 'PATCH');
      expect(await buckets('', dave)).toEqual({ buckets: [{ bucket: '2021-01', count: 1 }], total: 1 });
      expect(await buckets('?favorite=true', dave)).toEqual({ buckets: [{ bucket: '2021-01', count: 1 }], total: 1 });
      await post('/api/assets/trash', { assetIds: [photo.id] });
      expect(await buckets('', dave)).toEqual({ buckets: [], total: 0 });
      expect(await buckets('?favorite=true', dave)).toEqual({ buckets: [], total: 0 });
      await post('/api/assets/restore', { assetIds: [photo.id] });
      expect((await buckets('', dave)).total).toBe(1);
    });

    it('rejects a malformed month', async () => {
      expect((await get('/api/timeline/bucket?bucket=2024-13')).status).toBe(400);
      expect((await get('/api/timeline/bucket?bucket=May')).status).toBe(400);
      expect((await get('/api/timeline/bucket')).status).toBe(400);
    });
  });
});
