import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset, JournalPage } from '@skyroll/protocol';
import {
  ENGINES,
  makeJpeg,
  openEvents,
  request,
  type Session,
  sha256,
  signupAndLogin,
  type SpecServer,
  startSpecServer,
  type TestServer,
  tusUpload,
} from '../testing/harness.js';

describe.each(ENGINES)('on %s', (engine) => {
  let spec: SpecServer;
  let server: TestServer;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    spec = await startSpecServer(engine, 'library', { SKYROLL_EVENTS_PING_MS: '100' });
    ({ server, alice, bob } = spec);
  });
  afterAll(() => spec?.close());

  async function uploadAndCommit(session: Session, bytes: Buffer, path: string) {
    const upload = await tusUpload(server.url, session.token, bytes);
    expect(upload.status).toBe(204);
    const commit = await request(server.url, '/api/assets', { token: session.token, json: { checksum: sha256(bytes), path, mtime: 1_700_000_000_000 } });
    expect(commit.status).toBe(200);
    return commit.body as { asset: Asset; created: boolean };
  }

  describe('upload -> commit -> journal -> download', () => {
    it('checks, uploads, commits, journals and serves an original', async () => {
      const bytes = await makeJpeg(1);
      const checksum = sha256(bytes);
      const before = await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [checksum] } });
      expect(before.body.results).toEqual([{ checksum, state: 'missing' }]);

      const upload = await tusUpload(server.url, alice.token, bytes);
      expect(upload.status).toBe(204);
      const uploaded = await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [checksum] } });
      expect(uploaded.body.results).toEqual([{ checksum, state: 'uploaded' }]);

      const commit = await request(server.url, '/api/assets', { token: alice.token, json: { checksum, path: '2024/Trip/IMG_0001.jpg' } });
      expect(commit.status).toBe(200);
      expect(commit.body.created).toBe(true);
      const asset = commit.body.asset as Asset;
      expect(asset).toMatchObject({
        checksum,
        size: bytes.length,
        type: 'photo',
        mime: 'image/jpeg',
        width: 64,
        height: 48,
        takenAt: Date.UTC(2024, 4, 1, 12, 34, 56),
        path: '2024/Trip/IMG_0001.jpg',
        originDeviceId: alice.deviceId,
        trashedAt: null,
        version: 1,
      });

      const live = await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [checksum] } });
      expect(live.body.results).toEqual([{ checksum, state: 'live', assetId: asset.id }]);

      const journal = await request<JournalPage>(server.url, '/api/journal?after=0', { token: alice.token });
      expect(journal.status).toBe(200);
      expect(journal.body.entries.map((e) => [e.seq, e.type, e.assetId])).toEqual([[1, 'asset.added', asset.id]]);
      expect(journal.body).toMatchObject({ cursor: 1, more: false, head: 1 });

      const original = await fetch(`${server.url}/api/assets/${asset.id}/original`, { headers: { authorization: `Bearer ${alice.token}` } });
      expect(original.status).toBe(200);
      expect(original.headers.get('content-type')).toBe('image/jpeg');
      expect(original.headers.get('etag')).toBe(`"${checksum}"`);
      expect(original.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
    });
  });

  describe('commit', () => {
    it('is idempotent by checksum: a second commit returns the asset without a journal entry', async () => {
      const bytes = await makeJpeg(2);
      const first = await uploadAndCommit(alice, bytes, 'a/IMG_2.jpg');
      const head = (await request<JournalPage>(server.url, '/api/journal', { token: alice.token })).body.head;
      const second = await request(server.url, '/api/assets', { token: alice.token, json: { checksum: sha256(bytes), path: 'elsewhere/IMG_2.jpg' } });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ asset: first.asset, created: false });
      expect((await request<JournalPage>(server.url, '/api/journal', { token: alice.token })).body.head).toBe(head);
    });

    it('answers 409 BLOB_MISSING before the original is uploaded', async () => {
      const res = await request(server.url, '/api/assets', { token: alice.token, json: { checksum: 'a'.repeat(64), path: 'x.jpg' } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('BLOB_MISSING');
    });

    it('refuses unsafe paths with 400', async () => {
      for (const path of ['../etc/passwd', '/abs.jpg', 'a//b.jpg', '.skyroll/x']) {
        const res = await request(server.url, '/api/assets', { token: alice.token, json: { checksum: 'b'.repeat(64), path } });
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe('INVALID_PATH');
      }
    });

    it('falls back to the commit mtime when the file has no capture time', async () => {
      const sharp = (await import('sharp')).default;
      const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer();
      const { asset } = await uploadAndCommit(alice, bytes, 'plain.png');
      expect(asset).toMatchObject({ mime: 'image/png', takenAt: 1_700_000_000_000, width: 8, height: 8 });
    });

    it('records new bytes over an asset as a new version, restoring it from trash (the change wins)', async () => {
      const v1 = await makeJpeg(3);
      const v2 = await makeJpeg(4);
      const { asset } = await uploadAndCommit(alice, v1, 'edit/IMG_3.jpg');
      await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
      expect((await tusUpload(server.url, alice.token, v2)).status).toBe(204);
      const res = await request(server.url, '/api/assets', {
        token: alice.token,
        json: { checksum: sha256(v2), path: 'edit/IMG_3.jpg', replaces: { assetId: asset.id, checksum: sha256(v1) } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: false, asset: { id: asset.id, checksum: sha256(v2), version: 2, trashedAt: null } });
      const page = await request<JournalPage>(server.url, '/api/journal', { token: alice.token });
      expect(page.body.entries.at(-1)).toMatchObject({ type: 'asset.updated', assetId: asset.id, asset: { version: 2 } });
      // The old bytes stay stored: a device still holding them finds them uploaded.
      const check = await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [sha256(v1)] } });
      expect(check.body.results[0].state).toBe('uploaded');
    });

    it('keeps journal sequence numbers gapless under concurrent commits', async () => {
      const session = await signupAndLogin(server.url, 'busy');
      const files = await Promise.all(Array.from({ length: 12 }, (_, i) => makeJpeg(100 + i)));
      await Promise.all(files.map((bytes) => tusUpload(server.url, session.token, bytes)));
      const commits = await Promise.all(
        files.flatMap((bytes, i) => [0, 1].map(() => request(server.url, '/api/assets', { token: session.token, json: { checksum: sha256(bytes), path: `c/${i}.jpg` } }))),
      );
      expect(commits.every((c) => c.status === 200)).toBe(true);
      expect(commits.filter((c) => c.body.created).length).toBe(12);
      const page = await request<JournalPage>(server.url, '/api/journal?after=0&limit=5', { token: session.token });
      expect(page.body).toMatchObject({ cursor: 5, more: true, head: 12 });
      const all = await request<JournalPage>(server.url, '/api/journal?after=0', { token: session.token });
      expect(all.body.entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(new Set(all.body.entries.map((e) => e.assetId)).size).toBe(12);
    });
  });

  describe('trash', () => {
    it('moves assets to trash and back, journaling each change; trashed originals still download', async () => {
      const { asset } = await uploadAndCommit(alice, await makeJpeg(5), 't/IMG_5.jpg');
      const trashed = await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
      expect(trashed.status).toBe(200);
      expect(trashed.body.assets[0]).toMatchObject({ id: asset.id, trashedAt: expect.any(Number) });
      const list = await request(server.url, '/api/trash', { token: alice.token });
      expect(list.body.assets.map((a: Asset) => a.id)).toContain(asset.id);
      const check = await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [asset.checksum] } });
      expect(check.body.results[0]).toEqual({ checksum: asset.checksum, state: 'trashed', assetId: asset.id });
      const download = await fetch(`${server.url}/api/assets/${asset.id}/original`, { headers: { authorization: `Bearer ${alice.token}` } });
      expect(download.status).toBe(200);
      await download.arrayBuffer();

      // Trashing again is a no-op: no second journal entry.
      const head = (await request<JournalPage>(server.url, '/api/journal', { token: alice.token })).body.head;
      await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
      expect((await request<JournalPage>(server.url, '/api/journal', { token: alice.token })).body.head).toBe(head);

      const restored = await request(server.url, '/api/assets/restore', { token: alice.token, json: { assetIds: [asset.id] } });
      expect(restored.body.assets[0]).toMatchObject({ id: asset.id, trashedAt: null });
      const page = await request<JournalPage>(server.url, `/api/journal?after=${head - 1}`, { token: alice.token });
      expect(page.body.entries.map((e) => e.type)).toEqual(['asset.trashed', 'asset.restored']);
    });

    it('re-committing trashed bytes restores the asset', async () => {
      const bytes = await makeJpeg(6);
      const { asset } = await uploadAndCommit(alice, bytes, 't/IMG_6.jpg');
      await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
      const again = await request(server.url, '/api/assets', { token: alice.token, json: { checksum: sha256(bytes), path: 't/IMG_6.jpg' } });
      expect(again.body).toMatchObject({ created: false, asset: { id: asset.id, trashedAt: null } });
    });

    it('changes nothing when one id is unknown', async () => {
      const { asset } = await uploadAndCommit(alice, await makeJpeg(7), 't/IMG_7.jpg');
      const res = await request(server.url, '/api/assets/trash', {
        token: alice.token,
        json: { assetIds: [asset.id, '00000000-0000-4000-8000-000000000000'] },
      });
      expect(res.status).toBe(404);
      expect((await request(server.url, `/api/assets/${asset.id}`, { token: alice.token })).body.trashedAt).toBeNull();
    });
  });

  describe('assets', () => {
    it('renames and moves an asset (journal asset.moved)', async () => {
      const { asset } = await uploadAndCommit(alice, await makeJpeg(8), 'm/IMG_8.jpg');
      const moved = await request(server.url, `/api/assets/${asset.id}`, { method: 'PATCH', token: alice.token, json: { path: 'n/Renamed.jpg' } });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ id: asset.id, path: 'n/Renamed.jpg' });
      const page = await request<JournalPage>(server.url, '/api/journal', { token: alice.token });
      expect(page.body.entries.at(-1)).toMatchObject({ type: 'asset.moved', asset: { path: 'n/Renamed.jpg' } });
      const bad = await request(server.url, `/api/assets/${asset.id}`, { method: 'PATCH', token: alice.token, json: { path: 'a/../../x' } });
      expect(bad.status).toBe(400);
    });

    it('never serves, changes or confirms another account\'s asset', async () => {
      const { asset } = await uploadAndCommit(alice, await makeJpeg(9), 'private/IMG_9.jpg');
      const missing = await request(server.url, '/api/assets/00000000-0000-4000-8000-000000000000', { token: bob.token });
      const foreign = await request(server.url, `/api/assets/${asset.id}`, { token: bob.token });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(missing.body);
      expect((await request(server.url, `/api/assets/${asset.id}/original`, { token: bob.token })).status).toBe(404);
      expect((await request(server.url, `/api/assets/${asset.id}`, { method: 'PATCH', token: bob.token, json: { path: 'x.jpg' } })).status).toBe(404);
      expect((await request(server.url, '/api/assets/trash', { token: bob.token, json: { assetIds: [asset.id] } })).status).toBe(404);
      expect((await request(server.url, '/api/assets/restore', { token: bob.token, json: { assetIds: [asset.id] } })).status).toBe(404);
      const check = await request(server.url, '/api/assets/check', { token: bob.token, json: { checksums: [asset.checksum] } });
      expect(check.body.results[0].state).toBe('missing');
      const commit = await request(server.url, '/api/assets', { token: bob.token, json: { checksum: asset.checksum, path: 'stolen.jpg' } });
      expect(commit.status).toBe(409);
      // Bob's own bytes cannot become a version of Alice's asset.
      const own = await makeJpeg(13);
      await tusUpload(server.url, bob.token, own);
      const replace = await request(server.url, '/api/assets', {
        token: bob.token,
        json: { checksum: sha256(own), path: 'x.jpg', replaces: { assetId: asset.id, checksum: asset.checksum } },
      });
      expect(replace.status).toBe(404);
      expect((await request(server.url, `/api/assets/${asset.id}`, { token: alice.token })).body).toEqual(asset);
    });

    it('serves byte ranges of an original', async () => {
      const bytes = await makeJpeg(10);
      const { asset } = await uploadAndCommit(alice, bytes, 'r/IMG_10.jpg');
      const get = (range: string) =>
        fetch(`${server.url}/api/assets/${asset.id}/original`, { headers: { authorization: `Bearer ${alice.token}`, range } });

      const partial = await get('bytes=10-19');
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
      expect(partial.headers.get('content-length')).toBe('10');
      expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);

      const suffix = await get('bytes=-5');
      expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(-5))).toBe(true);
      const open = await get(`bytes=${bytes.length - 3}-`);
      expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(-3))).toBe(true);

      const head = await fetch(`${server.url}/api/assets/${asset.id}/original`, { method: 'HEAD', headers: { authorization: `Bearer ${alice.token}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));

      const beyond = await get(`bytes=${bytes.length}-`);
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      await beyond.arrayBuffer();
    });
  });

  describe('events', () => {
    it('pokes a connected device within milliseconds of a commit', async () => {
      const session = await signupAndLogin(server.url, 'listener');
      const events = await openEvents(server.url, session.token);
      expect(events.status).toBe(200);
      expect(events.contentType).toMatch(/^text\/event-stream/);
      expect(await events.waitFor(0)).toBe(0);
      const byQuery = await openEvents(server.url, session.token, true);
      await byQuery.waitFor(0);

      const bytes = await makeJpeg(11);
      await tusUpload(server.url, session.token, bytes);
      const started = Date.now();
      await request(server.url, '/api/assets', { token: session.token, json: { checksum: sha256(bytes), path: 'e.jpg' } });
      expect(await events.waitFor(1)).toBe(1);
      expect(await byQuery.waitFor(1)).toBe(1);
      expect(Date.now() - started).toBeLessThan(1000);
      // Another account's change does not poke this device.
      await uploadAndCommit(bob, await makeJpeg(12), 'bob.jpg');
      await new Promise((r) => setTimeout(r, 50));
      expect(events.heads).toEqual([0, 1]);
      // Idle streams get a comment now and then, so proxies keep them open.
      await new Promise((r) => setTimeout(r, 250));
      expect(events.pings()).toBeGreaterThan(0);
      events.close();
      byQuery.close();
    });
  });
});
