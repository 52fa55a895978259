import { describe, expect, it } from 'vitest';
import { CAMERA, dng, jpeg, withExif } from '../services/media/fixtures/samples.js';
import {
  eventually,
  FAST_JOBS,
  makeJpeg,
  openEventStream,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  uploadAndCommit,
  withSqliteFile,
} from '../testing/harness.js';

describe('event: media (an original’s derivatives made or given up on)', () => {
  it('tells the account’s streams which assets turned ready, with their thumbhash, and which failed', async () => {
    const server = await startTestServer(FAST_JOBS);
    const session = await signupAndLogin(server.url);
    const other = await signupAndLogin(server.url, 'other-account');
    const events = await openEventStream(server.url, session.token);
    const otherEvents = await openEventStream(server.url, other.token);
    try {
      const photo = await uploadAndCommit(server.url, session.token, await makeJpeg(7101), 'DCIM/IMG_7101.jpg');
      const ready = await events.waitFor('media', (d) => d.assetIds?.includes(photo.id), 15_000);
      expect(ready.data).toEqual({ assetIds: [photo.id], media: 'ready', thumbhash: expect.any(String), durationMs: null });
      // The poke carries what the thumbnail route and the asset now say.
      const thumbnail = await fetch(`${server.url}/api/assets/${photo.id}/thumbnail`, { headers: { authorization: `Bearer ${session.token}` } });
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('x-thumbhash')).toBe(ready.data.thumbhash);
      const asset = await request(server.url, `/api/assets/${photo.id}`, { token: session.token });
      expect([asset.body.media, asset.body.thumbhash]).toEqual(['ready', ready.data.thumbhash]);

      // A RAW without an embedded preview: failed for good after its last attempt.
      const bare = await uploadAndCommit(server.url, session.token, dng(null), 'DCIM/IMG_7102.DNG');
      const failed = await events.waitFor('media', (d) => d.assetIds?.includes(bare.id), 20_000);
      expect(failed.data).toEqual({ assetIds: [bare.id], media: 'failed', thumbhash: null, durationMs: null });
      const timeline = await request(server.url, `/api/timeline/bucket?bucket=${new Date(bare.takenAt ?? bare.createdAt).toISOString().slice(0, 7)}`, {
        token: session.token,
      });
      expect(timeline.body.assets.find((a: { id: string }) => a.id === bare.id)).toMatchObject({ media: 'failed', thumbhash: null });

      // Another account hears nothing of it.
      expect(otherEvents.events.filter((e) => e.event === 'media')).toEqual([]);
    } finally {
      events.close();
      otherEvents.close();
      await server.close();
    }
  });
});

describe('EXIF details backfill at start', () => {
  it('reads the details of originals verified before they were kept, once', async () => {
    let server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      const bytes = withExif(await jpeg(80, 60, '#446688'), CAMERA);
      const photo = await uploadAndCommit(server.url, session.token, bytes, 'DCIM/IMG_7201.jpg');
      const info = () => request(server.url, `/api/assets/${photo.id}/info`, { token: session.token });
      expect((await info()).body.camera).toMatchObject({ make: 'Canon', model: 'Canon EOS R5' });
      await server.close();

      // As a server before details were kept left it.
      const checksum = sha256(bytes);
      withSqliteFile(server.dataDir, (db) => db.prepare('update blobs set details_json = null where checksum = ?').run(checksum));
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      expect((await info()).status).toBe(200);
      const restored = await eventually(async () => {
        const res = await info();
        return res.body.camera ? res.body : undefined;
      }, 15_000, 'the details read again');
      expect(restored).toMatchObject({
        camera: { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' },
        exposure: { fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 },
        location: { latitude: 48.8584, longitude: -2.2945, altitude: 35 },
      });
      await server.close();

      const detailsJobs = () => withSqliteFile(server.dataDir, (db) => db.prepare(`select state from jobs where type = 'media-details'`).all() as Array<{ state: string }>);
      expect(detailsJobs()).toEqual([{ state: 'done' }]);
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      await server.close();
      expect(detailsJobs()).toEqual([{ state: 'done' }]);
    } finally {
      await server.close().catch(() => {});
    }
  });

  it('records an original without details as read, so no start queues it again', async () => {
    let server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      const bytes = await jpeg(40, 30, '#884422'); // no EXIF at all
      await uploadAndCommit(server.url, session.token, bytes, 'DCIM/IMG_7301.jpg');
      const checksum = sha256(bytes);
      const stored = () =>
        withSqliteFile(server.dataDir, (db) => (db.prepare('select details_json from blobs where checksum = ?').get(checksum) as { details_json: string | null }).details_json);
      await server.close();
      expect(stored()).toBe('{}');

      withSqliteFile(server.dataDir, (db) => db.prepare('update blobs set details_json = null where checksum = ?').run(checksum));
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      await eventually(async () => (stored() === '{}' ? true : undefined), 15_000, 'the details recorded as read');
      await server.close();
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      await server.close();
      expect(withSqliteFile(server.dataDir, (db) => db.prepare(`select count(*) as n from jobs where type = 'media-details'`).get())).toEqual({ n: 1 });
    } finally {
      await server.close().catch(() => {});
    }
  });
});
