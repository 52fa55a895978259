/**
 * Two stateless replicas on one PostgreSQL database, one S3 bucket (s3rver) and one shared
 * uploads folder, behind nginx running the shipped deploy/nginx/skyroll.conf: a change on one
 * replica reaches a device on the other within a second, and an upload whose replica dies
 * finishes through the other, its chunks served by both.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { provisionPostgresS3, type ServerBackend } from '../support/backend.js';
import { Harness, hashFile, readAgentLog, treeOf, waitFor, waitForTrees, type AgentLogEvent, type SkyrollServer } from '../support/harness.js';
import { startNginx, type Nginx } from '../support/nginx.js';
import { makePhoto, sha256, writePhotos } from '../support/photos.js';

const BIG_BYTES = 24 * 1024 * 1024;
// 12 s of upload: replica 2 may take seconds to start on a loaded machine, and replica 1 must die mid-upload.
const LIMIT_BYTES_PER_S = 2 * 1024 * 1024;
const BIG = 'BIG_REPLICA.jpg';

describe('replicas behind nginx (PostgreSQL + S3)', () => {
  const h = new Harness();
  let backend: ServerBackend;
  let r1: SkyrollServer;
  let r2: SkyrollServer;
  let nginx: Nginx;

  beforeAll(async () => {
    backend = await provisionPostgresS3('replicas');
    const env = { ...backend.env, SKYROLL_UPLOADS_DIR: await h.tempDir('shared-uploads') };
    // Started one after the other: the second finds the migrations done (or waits for the first).
    r1 = await h.startServer({ env, backend: 'given' });
    r2 = await h.startServer({ env, backend: 'given' });
    nginx = await startNginx(await h.tempDir('nginx'), [r1.url, r2.url]);
  });
  afterAll(async () => {
    await nginx?.stop();
    await h.cleanup();
    await backend?.close();
  });

  it('a photo added through one replica reaches a device on the other within a second', async () => {
    const account = await h.createAccount(r1, 0, 'replicas');
    const a = await h.addDevice(r1, account, 'A');
    const b = await h.addDevice(r2, account, 'B');
    h.startAgent(a);
    h.startAgent(b);
    const warmup = await writePhotos(a.syncDir, 1, { targetBytes: 40 * 1024, seed: 61 });
    await waitForTrees([a, b], treeOf(warmup), 60_000, 'a first photo across the replicas');

    const latencies: number[] = [];
    const added = [...warmup];
    for (let i = 1; i <= 5; i++) {
      const [photo] = await writePhotos(a.syncDir, 1, { targetBytes: 40 * 1024, seed: 61, start: i });
      const started = Date.now();
      await waitFor(
        async () => (await hashFile(join(b.syncDir, photo.relativePath)).catch(() => undefined)) === photo.sha256 || undefined,
        15_000,
        `${photo.relativePath} on B`,
        { intervalMs: 10 },
      );
      latencies.push(Date.now() - started);
      added.push(photo);
    }
    latencies.sort((x, y) => x - y);
    console.log(`propagation A (replica 1) → B (replica 2), ms: ${latencies.join(', ')}`);
    // Includes A noticing the file, hashing, uploading and committing, the NOTIFY, B's pull and download.
    expect(latencies[2], `median of ${latencies.join(', ')} ms`).toBeLessThan(1000);
    await waitForTrees([a, b], treeOf(added), 30_000, 'every photo on both');
  });

  it('an upload whose replica dies finishes through the other, chunks served by both', { timeout: 180_000 }, async () => {
    const account = await h.createAccount(r1, 0, 'failover');
    // C reaches the service through nginx only, as a device on the internet would.
    const c = await h.addDevice({ url: nginx.url } as SkyrollServer, account, 'C');
    const d = await h.addDevice(r1, account, 'D');
    const api = await ApiClient.login(nginx.url, account.email, account.password);
    const photo = await makePhoto(7, { targetBytes: BIG_BYTES, seed: 62 });
    await writeFile(join(c.syncDir, BIG), photo.bytes);

    // Replica 2 down: the upload starts on replica 1.
    await r2.kill();
    const agent = h.startAgent(c, { env: { SKYROLL_UPLOAD_LIMIT: String(LIMIT_BYTES_PER_S) } });
    const isBig = (e: AgentLogEvent, event: string) => e.event === event && String(e.path).endsWith(BIG);
    await waitFor(async () => (await readAgentLog(c.stateDir)).find((e) => isBig(e, 'upload.start')), 30_000, 'the upload to start', {
      explain: () => agent.log.slice(-2000),
    });
    await new Promise((r) => setTimeout(r, 1500));
    // Replica 2 back, replica 1 killed mid-upload: the rest must go through replica 2.
    await r2.start();
    await new Promise((r) => setTimeout(r, 500));
    await r1.kill();
    const log = await readAgentLog(c.stateDir);
    expect(log.some((e) => isBig(e, 'upload.done')), 'the upload ended before replica 1 died: raise BIG_BYTES').toBe(false);

    const asset = await waitFor(
      async () => (await api.liveAssets()).find((x) => x.checksum === photo.sha256),
      120_000,
      'the big photo committed through replica 2',
      { intervalMs: 500, explain: () => agent.log.slice(-2000) },
    );
    expect(asset.size).toBe(photo.bytes.length);

    // Each chunk (PATCH) of the upload was logged with the replica that served it.
    const patches = (await nginx.accessLog()).filter((line) => line.startsWith('PATCH /api/uploads/'));
    const replicas = new Set(patches.map((line) => line.split(' ')[3]?.split(',').at(-1)?.trim()));
    expect(replicas.size, `PATCH lines:\n${patches.join('\n')}`).toBeGreaterThanOrEqual(2);
    // No more than the chunk in flight was sent twice.
    const sent = (await readAgentLog(c.stateDir))
      .filter((e) => (isBig(e, 'upload.done') || isBig(e, 'upload.interrupted')) && typeof e.bytesSent === 'number')
      .reduce((sum, e) => sum + Number(e.bytesSent), 0);
    expect(sent).toBeLessThanOrEqual(photo.bytes.length + LIMIT_BYTES_PER_S * 2);

    // And the original read back through the other engines is the same bytes.
    await r1.start();
    h.startAgent(d);
    await waitForTrees([d], new Map([[BIG, photo.sha256]]), 60_000, 'the big photo on D');
    expect(sha256(photo.bytes)).toBe(photo.sha256);
  });
});
