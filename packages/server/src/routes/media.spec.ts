import { describe, expect, it } from 'vitest';
import { CAMERA, dng, exifBlock } from '../services/media/fixtures/samples.js';
import { writeHeic } from '../services/media/fixtures/heif-writer.js';
import {
  eventually,
  FAST_JOBS,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  uploadAndCommit,
  withSqliteFile,
} from '../testing/harness.js';

const info = (base: string, token: string, id: string) => request(base, `/api/assets/${id}/info`, { token });

describe('media: HEIC and RAW through the server, the info panel, the backfill at start', () => {
  it('makes derivatives of a HEIC, serves its EXIF info, fails a RAW without preview clearly, and backfills once after a restart', async () => {
    let server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      const heic = writeHeic({ width: 320, height: 240, exif: exifBlock(CAMERA) });
      const photo = await uploadAndCommit(server.url, session.token, heic, 'DCIM/IMG_0001.HEIC');
      expect(photo).toMatchObject({ type: 'photo', mime: 'image/heic', width: 320, height: 240 });
      const bare = await uploadAndCommit(server.url, session.token, dng(null), 'DCIM/IMG_0002.DNG');
      expect(bare).toMatchObject({ type: 'photo', mime: 'image/x-adobe-dng' });

      const ready = await eventually(async () => {
        const res = await info(server.url, session.token, photo.id);
        return res.body.derivatives?.length === 2 && res.body.derivatives.every((d: any) => d.state === 'ready') ? res.body : undefined;
      }, 20_000, 'the HEIC derivatives');
      expect(ready).toMatchObject({
        fileName: 'IMG_0001.HEIC',
        camera: { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' },
        exposure: { fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 },
        location: { latitude: 48.8584, longitude: -2.2945, altitude: 35 },
      });
      expect(ready.derivatives).toEqual([
        { kind: 'preview', state: 'ready', width: 320, height: 240, error: null },
        { kind: 'thumbnail', state: 'ready', width: 256, height: 192, error: null },
      ]);
      const thumbnail = await fetch(`${server.url}/api/assets/${photo.id}/thumbnail`, { headers: { authorization: `Bearer ${session.token}` } });
      expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);

      const failed = await eventually(async () => {
        const res = await info(server.url, session.token, bare.id);
        return res.body.derivatives?.[0]?.state === 'failed' ? res.body : undefined;
      }, 20_000, 'the RAW derivatives to fail');
      expect(failed.derivatives[0].error).toMatch(/no embedded JPEG preview/);
      expect(failed.camera).toMatchObject({ make: 'Canon' });
      expect((await info(server.url, 'not-a-token', photo.id)).status).toBe(401);

      // Derivatives made before the feature existed: none. The next start queues the job, once.
      await server.close();
      const checksum = sha256(heic);
      withSqliteFile(server.dataDir, (db) => db.prepare('delete from derivatives where checksum = ?').run(checksum));
      const jobsFor = () => withSqliteFile(server.dataDir, (db) => (db.prepare(`select count(*) as n from jobs where type = 'preview' and payload like ?`).get(`%${checksum}%`) as { n: number }).n);
      expect(jobsFor()).toBe(1);
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      await eventually(async () => {
        const res = await info(server.url, session.token, photo.id);
        return res.body.derivatives?.length === 2 && res.body.derivatives.every((d: any) => d.state === 'ready') ? true : undefined;
      }, 20_000, 'the backfilled HEIC derivatives');
      await server.close();
      server = await startTestServerOn(server.dataDir, FAST_JOBS);
      await server.close();
      // One job from the commit, one from the first backfill; the failed RAW was not retried.
      expect(jobsFor()).toBe(2);
      expect(withSqliteFile(server.dataDir, (db) => (db.prepare(`select count(*) as n from jobs where type = 'preview'`).get() as { n: number }).n)).toBe(3);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
