import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalPage } from '@skyroll/protocol';
import { setPlan } from '../admin.js';
import {
  loginAgain,
  makeJpeg,
  openEventStream,
  padJpeg,
  request,
  sha256,
  signupAndLogin,
  startTestServerOn,
  tusUpload,
  withDatabase,
  type Session,
  type TestServer,
} from '../testing/harness.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';

const SIZE = 4000;
/** Files one account commits through both replicas at once (each twice: 2 × N requests). */
const N = 50;

/**
 * Two replicas: two servers (two buildApp, two pools) on one PostgreSQL database and one shared
 * data folder (the originals and unfinished uploads a real deployment keeps on S3 / a shared volume).
 */
describe('two replicas on one PostgreSQL', () => {
  let testDb: TestDatabase;
  let replicas: TestServer[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('replicas');
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-replicas-'));
    const env = { SKYROLL_DB: testDb.url, SKYROLL_JOB_WORKERS: '0' };
    // Started together: both migrate the empty database at once.
    replicas = await Promise.all([startTestServerOn(dataDir, env), startTestServerOn(dataDir, env)]);
  });
  afterAll(async () => {
    try {
      await Promise.all(replicas.map((r) => r.close()));
    } finally {
      await testDb?.drop();
    }
  });

  /** Files of SIZE bytes, uploaded round-robin through both replicas. */
  async function upload(session: Session, seeds: number[]): Promise<Buffer[]> {
    const files = await Promise.all(seeds.map(async (seed) => padJpeg(await makeJpeg(seed), SIZE)));
    for (let i = 0; i < files.length; i += 10) {
      const batch = files.slice(i, i + 10).map((f, j) => tusUpload(replicas[(i + j) % 2].url, session.token, f));
      expect((await Promise.all(batch)).map((r) => r.status)).toEqual(Array(Math.min(10, files.length - i)).fill(204));
    }
    return files;
  }

  const commit = (server: TestServer, session: Session, bytes: Buffer, name: string) =>
    request(server.url, '/api/assets', { token: session.token, json: { checksum: sha256(bytes), path: name } });

  async function journal(session: Session): Promise<JournalPage['entries']> {
    const entries: JournalPage['entries'] = [];
    for (let after = 0, more = true; more; ) {
      const page = await request<JournalPage>(replicas[entries.length % 2].url, `/api/journal?after=${after}&limit=50`, { token: session.token });
      entries.push(...page.body.entries);
      ({ cursor: after, more } = page.body);
    }
    return entries;
  }

  it('keeps one account’s journal gapless and its used bytes exact under concurrent commits on both replicas', async () => {
    const phone = await signupAndLogin(replicas[0].url, 'phone');
    const laptop = await loginAgain(replicas[1].url, phone.email, 'laptop');
    const files = await upload(phone, Array.from({ length: N }, (_, i) => 1000 + i));

    // Every file committed twice at once, by two devices through two replicas: idempotent by checksum.
    const commits = await Promise.all(
      files.flatMap((f, i) => [commit(replicas[0], phone, f, `p/${i}.jpg`), commit(replicas[1], laptop, f, `l/${i}.jpg`)]),
    );
    expect(commits.map((c) => c.status)).toEqual(Array(2 * N).fill(200));
    expect(commits.filter((c) => c.body.created)).toHaveLength(N);
    for (let i = 0; i < files.length; i++) expect(commits[2 * i].body.asset.id).toBe(commits[2 * i + 1].body.asset.id);
    const ids = [...new Set(commits.map((c) => c.body.asset.id as string))];
    expect(ids).toHaveLength(N);

    // Then all trashed, one request each, half through either replica.
    const trashed = await Promise.all(
      ids.map((id, i) => request(replicas[i % 2].url, '/api/assets/trash', { token: (i % 2 ? laptop : phone).token, json: { assetIds: [id] } })),
    );
    expect(trashed.map((t) => t.status)).toEqual(Array(N).fill(200));

    const entries = await journal(phone);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
    expect(entries.filter((e) => e.type === 'asset.added').map((e) => e.assetId).sort()).toEqual([...ids].sort());
    expect(entries.filter((e) => e.type === 'asset.trashed').map((e) => e.assetId).sort()).toEqual([...ids].sort());
    for (const server of replicas) {
      expect((await request<JournalPage>(server.url, `/api/journal?after=${2 * N}`, { token: laptop.token })).body).toMatchObject({ head: 2 * N, entries: [] });
      const storage = await request(server.url, '/api/account/storage', { token: phone.token });
      expect(storage.body.usedBytes).toBe(N * SIZE);
      expect(storage.body.breakdown).toMatchObject({ photos: 0, trash: N * SIZE, versions: 0 });
    }
    const account = await withDatabase(replicas[0], (db) =>
      db.selectFrom('accounts').select(['used_bytes', 'journal_head']).where('id', '=', phone.accountId).executeTakeFirstOrThrow(),
    );
    expect(account).toEqual({ used_bytes: N * SIZE, journal_head: 2 * N });
  });

  it('never lets concurrent commits on both replicas exceed the quota', async () => {
    const a = await signupAndLogin(replicas[0].url, 'agent-a');
    const b = await loginAgain(replicas[1].url, a.email, 'agent-b');
    // 40 files uploaded on the free plan; then the quota shrinks to hold 12 and a half of them.
    const files = await upload(a, Array.from({ length: 40 }, (_, i) => 2000 + i));
    const quota = 12 * SIZE + SIZE / 2;
    await withDatabase(replicas[0], (db) => db.updateTable('accounts').set({ quota_bytes: quota }).where('id', '=', a.accountId).execute());

    const results = await Promise.all(files.map((f, i) => commit(replicas[i % 2], i % 2 ? b : a, f, `q/${i}.jpg`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(12);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect([r.status, r.body.error.code, r.body.error.details.usedBytes]).toEqual([507, 'QUOTA_EXCEEDED', 12 * SIZE]);
    }
    const storage = await request(replicas[1].url, '/api/account/storage', { token: b.token });
    expect(storage.body).toMatchObject({ usedBytes: 12 * SIZE, quotaBytes: quota });
    expect((await journal(a)).map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('puts an account on a plan from `skyroll admin` with no server at hand, and every replica pokes its devices', async () => {
    const phone = await signupAndLogin(replicas[0].url, 'phone');
    const laptop = await loginAgain(replicas[1].url, phone.email, 'laptop');
    const streams = [await openEventStream(replicas[0].url, phone.token), await openEventStream(replicas[1].url, laptop.token)];
    try {
      await Promise.all(streams.map((s) => s.waitFor('journal')));
      // An admin machine: no data folder of a running server, only the database URL.
      const nowhere = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-admin-'));
      const result = await setPlan(nowhere, phone.email.toUpperCase(), '50gb', { db: testDb.url });
      expect(result).toEqual({ email: phone.email, plan: '50gb', quotaBytes: 50e9, usedBytes: 0, via: 'database' });
      for (const stream of streams) expect((await stream.waitFor('account')).data).toEqual({ plan: '50gb', quotaBytes: 50e9, usedBytes: 0 });
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('merges settings changed at the same moment on both replicas (no lost update)', async () => {
    const phone = await signupAndLogin(replicas[0].url, 'phone');
    const laptop = await loginAgain(replicas[1].url, phone.email, 'laptop');
    const settings = `/api/devices/${phone.deviceId}/settings`;
    for (let round = 0; round < 10; round++) {
      const on = round % 2 === 0;
      const [first, second] = await Promise.all([
        request(replicas[0].url, settings, { method: 'PATCH', token: phone.token, json: { mobileData: on } }),
        request(replicas[1].url, settings, { method: 'PATCH', token: laptop.token, json: { optimizeStorage: on } }),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      const now = await request(replicas[round % 2].url, settings, { token: laptop.token });
      expect(now.body).toMatchObject({ mobileData: on, optimizeStorage: on });
    }
  });
});
