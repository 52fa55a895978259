import fsp from 'node:fs/promises';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStore } from '../stores/upload-store.js';
import {
  ENGINES,
  makeJpeg,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  testEngine,
  tusCreate,
  tusPatch,
  tusUpload,
  type Session,
  type TestEngine,
  type TestServer,
} from '../testing/harness.js';

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  let server: TestServer;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    store = await testEngine(engine, 'upload');
    server = await startTestServer(store.env);
    [alice, bob] = await Promise.all([signupAndLogin(server.url, 'alice'), signupAndLogin(server.url, 'bob')]);
  });
  afterAll(async () => {
    try {
      await server?.close();
    } finally {
      await store?.drop();
    }
  });

  const state = async (session: Session, checksum: string) =>
    (await request(server.url, '/api/assets/check', { token: session.token, json: { checksums: [checksum] } })).body.results[0].state;

  async function uploadFiles(dir: string): Promise<string[]> {
    return (await fsp.readdir(path.join(dir, 'uploads'))).sort();
  }

  describe('tus uploads', () => {
    it('resumes from the server offset', async () => {
      const bytes = await makeJpeg(20);
      const checksum = sha256(bytes);
      const created = await tusCreate(server.url, alice.token, { size: bytes.length, checksum, filename: 'IMG_20.jpg' });
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^/api/uploads/${alice.accountId}_[0-9a-f]{32}$`));

      const half = Math.floor(bytes.length / 2);
      expect((await tusPatch(server.url, alice.token, location, 0, bytes.subarray(0, half))).status).toBe(204);
      const head = await request(server.url, location, { method: 'HEAD', token: alice.token, headers: { 'tus-resumable': '1.0.0' } });
      expect(head.headers.get('upload-offset')).toBe(String(half));
      expect(await state(alice, checksum)).toBe('missing');

      const wrongOffset = await tusPatch(server.url, alice.token, location, 0, bytes.subarray(0, 10));
      expect(wrongOffset.status).toBe(409);
      expect(wrongOffset.headers.get('content-type')).toMatch(/^application\/json/);
      expect(wrongOffset.body.error.code).toBe('BAD_REQUEST');

      expect((await tusPatch(server.url, alice.token, location, half, bytes.subarray(half))).status).toBe(204);
      expect(await state(alice, checksum)).toBe('uploaded');
      expect(await uploadFiles(server.dataDir)).toEqual([]);
    });

    it('works with tus-js-client', async () => {
      const bytes = await makeJpeg(21);
      const checksum = sha256(bytes);
      await new Promise<void>((resolve, reject) => {
        const upload = new tus.Upload(bytes, {
          endpoint: `${server.url}/api/uploads`,
          headers: { authorization: `Bearer ${alice.token}` },
          metadata: { checksum, filename: 'IMG_21.jpg' },
          chunkSize: 1000,
          retryDelays: [],
          onSuccess: () => resolve(),
          onError: reject,
        });
        upload.start();
      });
      expect(await state(alice, checksum)).toBe('uploaded');
    });

    it('accepts the whole file in the creation request (creation-with-upload)', async () => {
      const bytes = await makeJpeg(30);
      const checksum = sha256(bytes);
      const b64 = (v: string) => Buffer.from(v).toString('base64');
      const res = await request(server.url, '/api/uploads', {
        method: 'POST',
        token: alice.token,
        body: bytes,
        headers: {
          'tus-resumable': '1.0.0',
          'upload-length': String(bytes.length),
          'upload-metadata': `checksum ${b64(checksum)},filename ${b64('one-shot.jpg')}`,
          'content-type': 'application/offset+octet-stream',
        },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('upload-offset')).toBe(String(bytes.length));
      expect(await state(alice, checksum)).toBe('uploaded');
    });

    it('hides another account\'s uploads (404)', async () => {
      const bytes = await makeJpeg(22);
      const created = await tusCreate(server.url, alice.token, { size: bytes.length, checksum: sha256(bytes), filename: 'x.jpg' });
      const location = created.headers.get('location')!;
      const head = await request(server.url, location, { method: 'HEAD', token: bob.token, headers: { 'tus-resumable': '1.0.0' } });
      expect(head.status).toBe(404);
      const patch = await tusPatch(server.url, bob.token, location, 0, bytes);
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('NOT_FOUND');
      const del = await request(server.url, location, { method: 'DELETE', token: bob.token, headers: { 'tus-resumable': '1.0.0' } });
      expect(del.status).toBe(404);
      const noAuth = await tusPatch(server.url, '', location, 0, bytes);
      expect(noAuth.status).toBe(401);
      const own = await request(server.url, location, { method: 'DELETE', token: alice.token, headers: { 'tus-resumable': '1.0.0' } });
      expect(own.status).toBe(204);
    });

    it('refuses an upload without a valid checksum or filename (400)', async () => {
      const noChecksum = await tusCreate(server.url, alice.token, { size: 10, filename: 'a.jpg' });
      expect(noChecksum.status).toBe(400);
      expect(noChecksum.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'checksum' } });
      const upper = await tusCreate(server.url, alice.token, { size: 10, checksum: 'A'.repeat(64), filename: 'a.jpg' });
      expect(upper.status).toBe(400);
      const noName = await tusCreate(server.url, alice.token, { size: 10, checksum: 'a'.repeat(64) });
      expect(noName.status).toBe(400);
    });

    it('refuses a zero-byte file with 422 EMPTY_FILE', async () => {
      const res = await tusCreate(server.url, alice.token, { size: 0, checksum: sha256(new Uint8Array()), filename: 'empty.jpg' });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe('EMPTY_FILE');
    });

    it('rejects and deletes a checksum mismatch (422)', async () => {
      const bytes = await makeJpeg(23);
      const res = await tusUpload(server.url, alice.token, bytes, 'c'.repeat(64));
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'CHECKSUM_MISMATCH', details: { expected: 'c'.repeat(64), actual: sha256(bytes) } });
      expect(await state(alice, 'c'.repeat(64))).toBe('missing');
      expect(await state(alice, sha256(bytes))).toBe('missing');
      expect(await uploadFiles(server.dataDir)).toEqual([]);
    });

    it('rejects a truncated JPEG with 422 CORRUPT_MEDIA', async () => {
      const bytes = (await makeJpeg(24, undefined, { width: 256, height: 256 })).subarray(0, -500);
      const res = await tusUpload(server.url, alice.token, bytes);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('CORRUPT_MEDIA');
      expect(await state(alice, sha256(bytes))).toBe('missing');
    });

    it('rejects a file that is not a photo or video with 415 UNSUPPORTED_MEDIA', async () => {
      const bytes = Buffer.from('%PDF-1.4\nnot a photo at all\n'.repeat(20));
      const res = await tusUpload(server.url, alice.token, bytes);
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA');
      const text = await tusUpload(server.url, alice.token, Buffer.from('just some text'));
      expect(text.status).toBe(415);
    });

    it('enforces the quota at upload (507 with details) and atomically at commit', async () => {
      const bytes = [await makeJpeg(25), await makeJpeg(26), await makeJpeg(27)];
      const quota = bytes[0].length + bytes[1].length + 10;
      const small = await startTestServer({ ...(await store.fresh()), SKYROLL_DEFAULT_QUOTA_BYTES: String(quota) });
      try {
        const session = await signupAndLogin(small.url);
        const tooBig = await tusCreate(small.url, session.token, { size: quota + 1, checksum: 'd'.repeat(64), filename: 'big.mov' });
        expect(tooBig.status).toBe(507);
        expect(tooBig.body.error).toEqual({
          code: 'QUOTA_EXCEEDED',
          message: expect.any(String),
          details: { usedBytes: 0, quotaBytes: quota, neededBytes: quota + 1, freeBytes: quota, suggestedPlan: '50gb' },
        });
        for (const b of bytes) expect((await tusUpload(small.url, session.token, b)).status).toBe(204);
        // All three uploads fit one at a time; commits racing for the quota let only two through.
        const commits = await Promise.all(
          bytes.map((b, i) => request(small.url, '/api/assets', { token: session.token, json: { checksum: sha256(b), path: `${i}.jpg` } })),
        );
        expect(commits.map((c) => c.status).sort()).toEqual([200, 200, 507]);
        expect(commits.find((c) => c.status === 507)!.body.error.code).toBe('QUOTA_EXCEEDED');
        const journal = await request(small.url, '/api/journal', { token: session.token });
        expect(journal.body.head).toBe(2);
        const storage = await request(small.url, '/api/account/storage', { token: session.token });
        const committed = commits.flatMap((c, i) => (c.status === 200 ? [bytes[i].length] : []));
        expect(storage.body).toMatchObject({ plan: 'free', quotaBytes: quota, usedBytes: committed[0] + committed[1] });
      } finally {
        await small.close();
      }
    });

    it('keeps a partial upload across a server restart, and finishes one the server died finishing', async () => {
      const env = await store.fresh();
      const dir = await startTestServer(env);
      let restarted: TestServer | undefined;
      try {
        const session = await signupAndLogin(dir.url);
        const partial = await makeJpeg(28);
        const created = await tusCreate(dir.url, session.token, { size: partial.length, checksum: sha256(partial), filename: 'p.jpg' });
        const location = created.headers.get('location')!;
        await tusPatch(dir.url, session.token, location, 0, partial.subarray(0, 100));

        // An upload whose bytes all arrived but which was never verified (crash in between).
        const whole = await makeJpeg(29);
        const orphan = await tusCreate(dir.url, session.token, { size: whole.length, checksum: sha256(whole), filename: 'o.jpg' });
        const orphanId = orphan.headers.get('location')!.split('/').pop()!;
        await dir.close();
        await fsp.writeFile(path.join(dir.dataDir, 'uploads', orphanId), whole);

        restarted = await startTestServerOn(dir.dataDir, env);
        const check = await request(restarted.url, '/api/assets/check', { token: session.token, json: { checksums: [sha256(whole)] } });
        expect(check.body.results[0].state).toBe('uploaded');

        const head = await request(restarted.url, location, { method: 'HEAD', token: session.token, headers: { 'tus-resumable': '1.0.0' } });
        expect(head.headers.get('upload-offset')).toBe('100');
        expect((await tusPatch(restarted.url, session.token, location, 100, partial.subarray(100))).status).toBe(204);
        const commit = await request(restarted.url, '/api/assets', { token: session.token, json: { checksum: sha256(partial), path: 'p.jpg' } });
        expect(commit.status).toBe(200);
      } finally {
        await restarted?.close();
      }
    });

    it('deletes partial uploads past their expiry', async () => {
      const own = await startTestServer(await store.fresh());
      const session = await signupAndLogin(own.url);
      const bytes = await makeJpeg(31);
      const created = await tusCreate(own.url, session.token, { size: bytes.length, checksum: sha256(bytes), filename: 'x.jpg' });
      await tusPatch(own.url, session.token, created.headers.get('location')!, 0, bytes.subarray(0, 50));
      await own.close();
      const uploads = new UploadStore(path.join(own.dataDir, 'uploads'), 60_000);
      expect(await uploads.deleteExpired()).toBe(0);
      expect(await uploads.deleteExpired(Date.now() + 120_000)).toBe(1);
      expect(await uploadFiles(own.dataDir)).toEqual([]);
    });
  });
});
