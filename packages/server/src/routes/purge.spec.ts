import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES,
  eventually,
  makeJpeg,
  openEventStream,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  startTestServerOn,
  testEngine,
  tusUpload,
  uploadAndCommit,
  type TestEngine,
  type TestServer,
} from '../testing/harness.js';

const DAY = 24 * 3600_000;

function originalFile(server: TestServer, accountId: string, checksum: string): string {
  return path.join(server.dataDir, 'originals', accountId, checksum.slice(0, 2), checksum);
}

function previewFile(server: TestServer, accountId: string, checksum: string): string {
  return path.join(server.dataDir, 'originals', accountId, 'preview', checksum.slice(0, 2), `${checksum}.jpg`);
}

describe.each(ENGINES)('on %s', (engine) => {
  let store: TestEngine;
  beforeAll(async () => {
    store = await testEngine(engine, 'purge');
  });
  afterAll(() => store?.drop());

  describe('Recently Deleted: purging', () => {
    it('purges what has been in the trash for 30 days, at the next start 31 days later', async () => {
      const now = await startTestServer(store.env);
      let later: TestServer | undefined;
      try {
        const session = await signupAndLogin(now.url);
        const [kept, old] = [await makeJpeg(701), await makeJpeg(702)];
        const live = await uploadAndCommit(now.url, session.token, kept, 'kept.jpg');
        const trashed = await uploadAndCommit(now.url, session.token, old, 'old.jpg');
        await request(now.url, '/api/assets/trash', { token: session.token, json: { assetIds: [trashed.id] } });
        await eventually(async () => (fs.existsSync(previewFile(now, session.accountId, trashed.checksum)) ? true : undefined), 5000, 'the preview');
        await now.close();

        later = await startTestServerOn(now.dataDir, { ...store.env, SKYROLL_CLOCK_OFFSET_MS: String(31 * DAY) });
        const storage = await eventually(async () => {
          const s = await request(later!.url, '/api/account/storage', { token: session.token });
          return s.body.usedBytes === kept.length ? s.body : undefined;
        }, 5000, 'the purge');
        expect(storage.breakdown).toMatchObject({ photos: kept.length, trash: 0, versions: 0 });
        expect((await request(later.url, '/api/trash', { token: session.token })).body.assets).toEqual([]);
        expect((await request(later.url, `/api/assets/${trashed.id}`, { token: session.token })).status).toBe(404);
        expect((await request(later.url, `/api/assets/${live.id}`, { token: session.token })).status).toBe(200);
        const journal = await request(later.url, '/api/journal', { token: session.token });
        expect(journal.body.entries.at(-1)).toEqual({
          seq: 4,
          type: 'asset.purged',
          assetId: trashed.id,
          asset: null,
          album: null,
          deviceId: null,
          at: expect.any(Number),
        });
        expect(journal.body.entries.at(-1).at).toBeGreaterThan(Date.now() + 30 * DAY);
        // Earlier entries of the purged asset keep no snapshot of it ("null once purged").
        expect(journal.body.entries.filter((e: any) => e.assetId === trashed.id).map((e: any) => [e.type, e.asset])).toEqual([
          ['asset.added', null],
          ['asset.trashed', null],
          ['asset.purged', null],
        ]);
        expect(fs.existsSync(originalFile(later, session.accountId, trashed.checksum))).toBe(false);
        expect(fs.existsSync(previewFile(later, session.accountId, trashed.checksum))).toBe(false);
        expect(fs.existsSync(originalFile(later, session.accountId, live.checksum))).toBe(true);
        const check = await request(later.url, '/api/assets/check', { token: session.token, json: { checksums: [sha256(old)] } });
        expect(check.body.results[0].state).toBe('missing');
      } finally {
        await later?.close();
      }
    });

    it('empties the trash and purges chosen assets now, giving the quota back exactly and poking the devices', async () => {
      const server = await startTestServer({ ...store.env, SKYROLL_JOB_WORKERS: '0' });
      try {
        const session = await signupAndLogin(server.url);
        const [a, b, c, aEdit] = [await makeJpeg(711), await makeJpeg(712), await makeJpeg(713), await makeJpeg(714)];
        const first = await uploadAndCommit(server.url, session.token, a, 'a.jpg');
        const second = await uploadAndCommit(server.url, session.token, b, 'b.jpg');
        const third = await uploadAndCommit(server.url, session.token, c, 'c.jpg');
        // a.jpg edited: its first bytes stay as a version; the same bytes added again as another asset.
        expect((await tusUpload(server.url, session.token, aEdit)).status).toBe(204);
        await request(server.url, '/api/assets', {
          token: session.token,
          json: { checksum: sha256(aEdit), path: 'a.jpg', replaces: { assetId: first.id, checksum: first.checksum } },
        });
        const copy = (await request(server.url, '/api/assets', { token: session.token, json: { checksum: sha256(a), path: 'copy.jpg' } })).body.asset;
        const used = a.length + b.length + c.length + aEdit.length;
        expect((await request(server.url, '/api/account/storage', { token: session.token })).body.usedBytes).toBe(used);

        await request(server.url, '/api/assets/trash', { token: session.token, json: { assetIds: [second.id, third.id, copy.id] } });
        const notInTrash = await request(server.url, '/api/trash/purge', { token: session.token, json: { assetIds: [second.id, first.id] } });
        expect([notInTrash.status, notInTrash.body.error.details.assetIds]).toEqual([404, [first.id]]);

        const purged = await request(server.url, '/api/trash/purge', { token: session.token, json: { assetIds: [second.id] } });
        expect(purged.body).toEqual({ count: 1, freedBytes: b.length });
        expect(fs.existsSync(originalFile(server, session.accountId, second.checksum))).toBe(false);

        const stream = await openEventStream(server.url, session.token);
        const emptied = await request(server.url, '/api/trash/empty', { method: 'POST', token: session.token });
        // The copy's bytes are still an earlier version of a.jpg: kept, and still counted.
        expect(emptied.body).toEqual({ count: 2, freedBytes: c.length });
        expect((await stream.waitFor('account')).data).toEqual({ plan: 'free', quotaBytes: 5 * 1000 ** 3, usedBytes: a.length + aEdit.length });
        await stream.waitFor('journal', (d) => d.head === 11);
        stream.close();
        expect(fs.existsSync(originalFile(server, session.accountId, third.checksum))).toBe(false);
        expect(fs.existsSync(originalFile(server, session.accountId, sha256(a)))).toBe(true);
        const journal = await request(server.url, '/api/journal?after=8', { token: session.token });
        const entries = journal.body.entries.map((e: any) => [e.type, e.assetId, e.asset, e.deviceId]);
        expect(entries[0]).toEqual(['asset.purged', second.id, null, session.deviceId]);
        expect(entries.slice(1).sort()).toEqual(
          [
            ['asset.purged', third.id, null, session.deviceId],
            ['asset.purged', copy.id, null, session.deviceId],
          ].sort(),
        );
        expect((await request(server.url, '/api/trash/empty', { method: 'POST', token: session.token })).body).toEqual({ count: 0, freedBytes: 0 });
      } finally {
        await server.close();
      }
    });
  });
});
