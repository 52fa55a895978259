import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  makeJpeg,
  makeRotatedJpeg,
  request,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  uploadAndCommit,
  type TestServer,
} from '../testing/harness.js';

async function fetchPreview(base: string, token: string, id: string) {
  const res = await fetch(`${base}/api/assets/${id}/preview`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('previews (background jobs)', () => {
  it('makes a ≤2048 px JPEG with the EXIF orientation applied, and finishes a job a killed server left running', async () => {
    // No workers: the job stays queued, as if the server died before running it.
    const first = await startTestServer({ SKYROLL_JOB_WORKERS: '0' });
    let second: TestServer | undefined;
    try {
      const session = await signupAndLogin(first.url);
      // 3000×1000 pixels, Orientation 6: shown as 1000×3000.
      const rotated = await uploadAndCommit(first.url, session.token, await makeRotatedJpeg(3000, 1000), 'tall.jpg');
      const small = await uploadAndCommit(first.url, session.token, await makeJpeg(601), 'small.jpg');
      expect([rotated.width, rotated.height]).toEqual([1000, 3000]);
      const pending = await request(first.url, `/api/assets/${rotated.id}/preview`, { token: session.token });
      expect(pending.status).toBe(404);
      expect(pending.body.error).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'PREVIEW_NOT_READY' } });
      await first.close();

      // A worker claimed the job, then the server was killed: the job is `running` with a lock.
      const db = new Database(path.join(first.dataDir, 'skyroll.db'));
      const lockedUntil = Date.now() + 400;
      const claimed = db
        .prepare(`update jobs set state = 'running', attempts = 1, locked_until = ? where type = 'preview' and payload like ?`)
        .run(lockedUntil, `%${rotated.checksum}%`);
      expect(claimed.changes).toBe(1);
      db.close();

      second = await startTestServerOn(first.dataDir, { SKYROLL_JOB_POLL_MS: '100' });
      const preview = await eventually(async () => {
        const res = await fetchPreview(second!.url, session.token, rotated.id);
        return res.status === 200 ? res : undefined;
      }, 8000, 'the preview');
      expect(Date.now()).toBeGreaterThanOrEqual(lockedUntil);
      expect(preview.type).toBe('image/jpeg');
      const meta = await sharp(preview.bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect([meta.width, meta.height]).toEqual([683, 2048]);
      expect(meta.orientation ?? 1).toBe(1);
      const file = path.join(first.dataDir, 'originals', session.accountId, 'preview', rotated.checksum.slice(0, 2), `${rotated.checksum}.jpg`);
      expect(fs.statSync(file).size).toBe(preview.bytes.length);
      // The same run made the thumbnail (one decode, two outputs).
      const thumbnail = await fetch(`${second.url}/api/assets/${rotated.id}/thumbnail`, { headers: { authorization: `Bearer ${session.token}` } });
      expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);

      // Never enlarged.
      const smallPreview = await eventually(async () => {
        const res = await fetchPreview(second!.url, session.token, small.id);
        return res.status === 200 ? res : undefined;
      }, 5000, 'the small preview');
      const smallMeta = await sharp(smallPreview.bytes).metadata();
      expect([smallMeta.width, smallMeta.height]).toEqual([64, 48]);

      const other = await signupAndLogin(second.url);
      expect((await request(second.url, `/api/assets/${rotated.id}/preview`, { token: other.token })).status).toBe(404);
    } finally {
      await second?.close();
    }
  });

  it('records a preview that cannot be made on the job and the asset, after at most 3 attempts', async () => {
    const server = await startTestServer({ SKYROLL_JOB_POLL_MS: '50', SKYROLL_JOB_BACKOFF_MS: '20' });
    try {
      const session = await signupAndLogin(server.url);
      // Valid enough to be stored (its header and end markers are right), but its pixels cannot be decoded.
      const good = await makeJpeg(602);
      const broken = Buffer.concat([good.subarray(0, 200), Buffer.alloc(400, 0x00), good.subarray(-2)]);
      const asset = await uploadAndCommit(server.url, session.token, broken, 'broken.jpg');
      const failed = await eventually(async () => {
        const res = await request(server.url, `/api/assets/${asset.id}/preview`, { token: session.token });
        return res.body?.error?.details?.reason === 'PREVIEW_FAILED' ? res : undefined;
      }, 8000, 'the preview to fail');
      expect(failed.status).toBe(404);
      expect(failed.body.error.details.error).toEqual(expect.any(String));
      await server.close();
      const db = new Database(path.join(server.dataDir, 'skyroll.db'), { readonly: true });
      const job = db.prepare(`select state, attempts, last_error from jobs where type = 'preview'`).get() as any;
      db.close();
      expect(job).toMatchObject({ state: 'failed', attempts: 3, last_error: expect.any(String) });
    } finally {
      await server.close().catch(() => undefined);
    }
  });

  it('waits until ingest has been quiet before making previews, so sync comes first', async () => {
    const server = await startTestServer({ SKYROLL_JOB_POLL_MS: '50', SKYROLL_JOB_INGEST_QUIET_MS: '1500' });
    try {
      const session = await signupAndLogin(server.url);
      const asset = await uploadAndCommit(server.url, session.token, await makeJpeg(77), 'quiet.jpg');
      const committedAt = Date.now();
      const early = await fetchPreview(server.url, session.token, asset.id);
      expect(early.status).toBe(404);
      await eventually(async () => ((await fetchPreview(server.url, session.token, asset.id)).status === 200 ? true : undefined), 8000, 'the preview');
      expect(Date.now() - committedAt).toBeGreaterThanOrEqual(1400);
    } finally {
      await server.close();
    }
  });
});
