import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBlobs } from '../config.js';
import { derivativeKey, originalKey } from '../stores/blob-store.js';
import { S3BlobStore } from '../stores/s3-blob-store.js';
import { eventually, makeJpeg, request, signupAndLogin, startTestServer, uploadAndCommit, type Session, type TestServer } from '../testing/harness.js';
import { startS3Server, type TestS3Server } from '../testing/s3.js';

// Medium tests: the real server (SQLite metadata) keeping its blobs in a real S3 API server (s3rver).
let s3: TestS3Server;
let server: TestServer;
/** The same bucket seen directly, to check what the server left in it. */
let bucket: S3BlobStore;
let alice: Session;

function bucketStore(blobsUrl: string): S3BlobStore {
  const config = parseBlobs(blobsUrl, '/unused');
  if (config.kind !== 's3') throw new Error('not s3');
  return new S3BlobStore(config);
}

beforeAll(async () => {
  s3 = await startS3Server();
  bucket = bucketStore(s3.blobsUrl);
  server = await startTestServer({ SKYROLL_BLOBS: s3.blobsUrl, SKYROLL_JOB_INGEST_QUIET_MS: '0', SKYROLL_JOB_POLL_MS: '50' });
  alice = await signupAndLogin(server.url);
});

afterAll(async () => {
  await server?.close();
  bucket?.client.destroy();
  await s3?.close();
});

const original = (id: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${server.url}/api/assets/${id}/original`, { method, headers: { authorization: `Bearer ${alice.token}`, ...headers } });

describe('a server on S3 (s3rver)', () => {
  it('stores an uploaded original in the bucket and serves it whole, by Range, and to HEAD', async () => {
    const bytes = await makeJpeg(901, undefined, { width: 900, height: 600 });
    const asset = await uploadAndCommit(server.url, alice.token, bytes, 'DCIM/IMG_0901.jpg');
    expect(await bucket.size(originalKey(alice.accountId, asset.checksum))).toBe(bytes.length);
    expect(fs.existsSync(path.join(server.dataDir, 'originals', alice.accountId))).toBe(false);
    // The upload's file went to the bucket: nothing left behind on the server's disk.
    expect(await fsp.readdir(path.join(server.dataDir, 'uploads'))).toEqual([]);

    const whole = await original(asset.id);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const middle = await original(asset.id, { range: 'bytes=1000-4999' });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 1000-4999/${bytes.length}`);
    expect(middle.headers.get('content-length')).toBe('4000');
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(1000, 5000))).toBe(true);

    const first = await original(asset.id, { range: 'bytes=0-0' });
    expect(Buffer.from(await first.arrayBuffer()).equals(bytes.subarray(0, 1))).toBe(true);
    const suffix = await original(asset.id, { range: 'bytes=-300' });
    expect(suffix.headers.get('content-range')).toBe(`bytes ${bytes.length - 300}-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(-300))).toBe(true);
    const open = await original(asset.id, { range: `bytes=${bytes.length - 7}-` });
    expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(-7))).toBe(true);

    const head = await original(asset.id, {}, 'HEAD');
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(bytes.length)]);
  });

  it('makes the preview from the original in the bucket and stores it there', async () => {
    const bytes = await makeJpeg(902, undefined, { width: 2400, height: 1600 });
    const asset = await uploadAndCommit(server.url, alice.token, bytes, 'DCIM/IMG_0902.jpg');
    const preview = await eventually(async () => {
      const res = await fetch(`${server.url}/api/assets/${asset.id}/preview`, { headers: { authorization: `Bearer ${alice.token}` } });
      return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
    }, 10_000, 'the preview');
    const meta = await sharp(preview).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 2048, 1365]);
    expect(await bucket.size(derivativeKey(alice.accountId, asset.checksum, 'preview'))).toBe(preview.length);
  });

  it('deletes the original and its preview from the bucket when the asset is purged from the trash', async () => {
    const bytes = await makeJpeg(903);
    const asset = await uploadAndCommit(server.url, alice.token, bytes, 'DCIM/IMG_0903.jpg');
    const previewKey = derivativeKey(alice.accountId, asset.checksum, 'preview');
    await eventually(async () => ((await bucket.size(previewKey)) !== undefined ? true : undefined), 10_000, 'the preview');

    await request(server.url, '/api/assets/trash', { token: alice.token, json: { assetIds: [asset.id] } });
    expect(await bucket.size(originalKey(alice.accountId, asset.checksum))).toBe(bytes.length);
    const purged = await request(server.url, '/api/trash/purge', { token: alice.token, json: { assetIds: [asset.id] } });
    expect(purged.body).toEqual({ count: 1, freedBytes: bytes.length });
    expect(await bucket.size(originalKey(alice.accountId, asset.checksum))).toBeUndefined();
    expect(await bucket.size(previewKey)).toBeUndefined();
  });

  it('does not start when its bucket does not answer, naming the bucket and the endpoint', async () => {
    const missing = s3.blobsUrl.replace(s3.bucket, 'no-such-bucket');
    await expect(startTestServer({ SKYROLL_BLOBS: missing })).rejects.toThrow(
      `--blobs: the S3 bucket "no-such-bucket" at ${s3.endpoint} is not reachable: no such bucket`,
    );
  });

  // Spawning a process under tsx takes seconds on a loaded machine: a generous timeout.
  it('runs as its own process with only SKYROLL_BLOBS and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set', { timeout: 120_000 }, async () => {
    const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-s3-process-'));
    const runServer = fileURLToPath(new URL('../testing/run-server.ts', import.meta.url));
    const env = { PATH: process.env.PATH ?? '', SKYROLL_LOG_LEVEL: 'warn', SKYROLL_BLOBS: s3.blobsUrl, ...s3.env };
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', runServer, dataDir, '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child!.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /^Skyroll server listening on (http:\/\/\S+)$/m.exec(out);
          if (m) resolve(m[1]);
        });
        child!.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}${stderr}`)));
      });
      const bob = await signupAndLogin(url);
      const bytes = await makeJpeg(904);
      const asset = await uploadAndCommit(url, bob.token, bytes, 'IMG_0904.jpg');
      expect(await bucket.size(originalKey(bob.accountId, asset.checksum))).toBe(bytes.length);
      // stderr holds pino JSON only (no SDK notices between the lines).
      for (const line of stderr.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child!.once('exit', resolve));
      }
      await fsp.rm(dataDir, { recursive: true, force: true });
    }
  });
});
