import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeJpeg,
  openEventStream,
  request,
  sha256,
  signupAndLogin,
  startTestServer,
  tusCreate,
  tusPatch,
  tusUpload,
  type Session,
  type TestServer,
} from '../testing/harness.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';

/**
 * Two replicas behind an imaginary load balancer: one PostgreSQL database, one uploads folder
 * and one originals folder (the shared volume), each replica its own data folder and port.
 */
describe('replicas on one PostgreSQL and one shared uploads folder', () => {
  let database: TestDatabase;
  let shared: string;
  let one: TestServer;
  let two: TestServer;
  let alice: Session;

  beforeAll(async () => {
    database = await createTestDatabase('replicas');
    shared = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-shared-'));
    const env = { SKYROLL_DB: database.url, SKYROLL_UPLOADS_DIR: path.join(shared, 'uploads'), SKYROLL_BLOBS: path.join(shared, 'originals') };
    one = await startTestServer(env);
    two = await startTestServer(env);
    alice = await signupAndLogin(one.url, 'alice-phone');
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await database?.drop();
    if (shared) await fsp.rm(shared, { recursive: true, force: true });
  });

  const tusHead = (server: TestServer, location: string) =>
    request(server.url, location, { method: 'HEAD', token: alice.token, headers: { 'tus-resumable': '1.0.0' } });
  const state = async (server: TestServer, checksum: string) =>
    (await request(server.url, '/api/assets/check', { token: alice.token, json: { checksums: [checksum] } })).body.results[0].state;

  it('continues an upload started on one replica on the other (PATCH from its HEAD offset), and commits it', async () => {
    const bytes = await makeJpeg(101);
    const checksum = sha256(bytes);
    const created = await tusCreate(one.url, alice.token, { size: bytes.length, checksum, filename: 'IMG_101.jpg' });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const half = Math.floor(bytes.length / 2);
    expect((await tusPatch(one.url, alice.token, location, 0, bytes.subarray(0, half))).status).toBe(204);

    const head = await tusHead(two, location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    expect((await tusPatch(two.url, alice.token, location, half, bytes.subarray(half))).status).toBe(204);

    expect(await state(one, checksum)).toBe('uploaded');
    const commit = await request(one.url, '/api/assets', { token: alice.token, json: { checksum, path: 'IMG_101.jpg' } });
    expect(commit.status).toBe(200);
    const original = await fetch(`${two.url}/api/assets/${commit.body.asset.id}/original`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('pokes an event stream on one replica within 1 s of a commit on the other', async () => {
    const stream = await openEventStream(two.url, alice.token);
    try {
      const { data: initial } = await stream.waitFor('journal');
      const bytes = await makeJpeg(102);
      expect((await tusUpload(one.url, alice.token, bytes)).status).toBe(204);
      const committing = Date.now();
      const commit = await request(one.url, '/api/assets', { token: alice.token, json: { checksum: sha256(bytes), path: 'IMG_102.jpg' } });
      expect(commit.status).toBe(200);
      const poke = await stream.waitFor('journal', (data) => data.head > initial.head, 1000);
      console.info(`journal poke on the other replica's stream ${poke.at - committing} ms after the commit was sent`);
      expect(poke.at - committing).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  });

  it('verifies an upload whose replica died after its last byte when the client asks another, once', async () => {
    const bytes = await makeJpeg(103);
    const checksum = sha256(bytes);
    const created = await tusCreate(one.url, alice.token, { size: bytes.length, checksum, filename: 'IMG_103.jpg' });
    const location = created.headers.get('location')!;
    // All the bytes on the shared volume, never verified: what a replica dying there leaves.
    await fsp.writeFile(path.join(shared, 'uploads', location.split('/').pop()!), bytes);

    // Both replicas asked at once: one verifies, the other waits for it; both say "complete".
    const heads = await Promise.all([tusHead(two, location), tusHead(one, location)]);
    expect(heads.map((h) => [h.status, h.headers.get('upload-offset')])).toEqual([
      [200, String(bytes.length)],
      [200, String(bytes.length)],
    ]);
    expect(await state(two, checksum)).toBe('uploaded');
    expect((await tusHead(two, location)).status).toBe(404);
  });

  it('lets a client resume on another replica while its cut-off PATCH still hangs on the first', async () => {
    const bytes = await makeJpeg(104, '2024:05:01 12:34:56', { width: 200, height: 150 });
    const checksum = sha256(bytes);
    const created = await tusCreate(one.url, alice.token, { size: bytes.length, checksum, filename: 'IMG_104.jpg' });
    const location = created.headers.get('location')!;
    const data = path.join(shared, 'uploads', location.split('/').pop()!);

    // A PATCH whose client vanished mid-body: replica one still holds the upload's lock.
    const sent = 1000;
    const stalled = http.request(`${one.url}${location}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${alice.token}`,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(bytes.length),
      },
    });
    stalled.on('error', () => {});
    stalled.write(bytes.subarray(0, sent));
    try {
      const deadline = Date.now() + 5000;
      while ((await fsp.stat(data)).size < sent) {
        if (Date.now() > deadline) throw new Error('the stalled PATCH wrote nothing');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // Replica two asks replica one to let go; tus gives the old request its drain time (3 s).
      const started = Date.now();
      const head = await tusHead(two, location);
      expect(head.status).toBe(200);
      expect(head.headers.get('upload-offset')).toBe(String(sent));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await tusPatch(two.url, alice.token, location, sent, bytes.subarray(sent))).status).toBe(204);
      expect(await state(one, checksum)).toBe('uploaded');
    } finally {
      stalled.destroy();
    }
  });
});
