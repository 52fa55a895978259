import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseBlobs } from '../config.js';
import { parseRange } from '../http/range.js';
import { startS3Server, type TestS3Server } from '../testing/s3.js';
import { partSizeFor, S3BlobStore, type S3BlobsConfig } from './s3-blob-store.js';

const MIB = 1024 ** 2;
let s3: TestS3Server;
let store: S3BlobStore;
let tmp: string;
/** Commands the store sent, in order (recorded by a middleware on its client). */
let sent: string[] = [];

function s3Config(url: string): S3BlobsConfig {
  const config = parseBlobs(url, '/unused');
  if (config.kind !== 's3') throw new Error(`not an S3 URL: ${url}`);
  return config;
}

beforeAll(async () => {
  s3 = await startS3Server();
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-s3-spec-'));
  // Keys under a prefix, and a low threshold so a 12 MiB file goes up in three 5 MiB parts.
  const url = s3.blobsUrl.replace(`s3://${s3.bucket}?`, `s3://${s3.bucket}/library?`);
  store = new S3BlobStore(s3Config(url), { multipartThreshold: 6 * MIB, partSize: 5 * MIB, partConcurrency: 2 });
  await store.init();
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  store?.client.destroy();
  await s3?.close();
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  sent = [];
});

async function localFile(bytes: Buffer): Promise<string> {
  const file = path.join(tmp, randomBytes(8).toString('hex'));
  await fsp.writeFile(file, bytes);
  return file;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Whether the bucket itself holds this exact key (not through the store: checks the prefix too). */
async function inBucket(objectKey: string): Promise<boolean> {
  try {
    await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: objectKey }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/**
 * Fails the commands `which` picks, `times` times, with a 503: `before` sending them (the request
 * never reached the server), or `after` (the server did the work; its answer was lost).
 */
function failing(when: 'before' | 'after', which: (command: string, input: any) => boolean, times = Infinity) {
  let failures = 0;
  const name = `fail-${randomBytes(4).toString('hex')}`;
  const fail = (command: string, input: unknown) => {
    if (!which(command, input) || failures >= times) return;
    failures++;
    throw Object.assign(new Error('injected: 503 Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
  };
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (when === 'before') fail(context.commandName ?? '', args.input);
      const result = await next(args);
      if (when === 'after') fail(context.commandName ?? '', args.input);
      return result;
    },
    { step: 'initialize', name },
  );
  return { failures: () => failures, remove: () => store.client.middlewareStack.remove(name) };
}

describe('S3BlobStore (against s3rver)', () => {
  it('stores a small file in one PUT under the prefix, reads it back byte-identical, and takes the local file', async () => {
    const bytes = randomBytes(300 * 1024);
    const file = await localFile(bytes);
    await store.importFile('acct/ab/small', file);
    expect(sent).toEqual(['PutObjectCommand']);
    expect(fs.existsSync(file)).toBe(false);
    expect(await inBucket('library/acct/ab/small')).toBe(true);
    expect(await store.size('acct/ab/small')).toBe(bytes.length);
    expect(sha256(await readAll(store.read('acct/ab/small')))).toBe(sha256(bytes));
  });

  it('stores a file above the threshold in 5 MiB parts and reads it back byte-identical', async () => {
    const bytes = randomBytes(12 * MIB + 123);
    await store.importFile('acct/cd/large', await localFile(bytes));
    expect(sent.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(sent[0]).toBe('CreateMultipartUploadCommand');
    expect(sent.at(-1)).toBe('CompleteMultipartUploadCommand');
    expect(await store.size('acct/cd/large')).toBe(bytes.length);
    expect(sha256(await readAll(store.read('acct/cd/large')))).toBe(sha256(bytes));
  });

  it('serves ranges with exactly the requested bytes: the first bytes, a slice across parts, the suffix', async () => {
    const bytes = randomBytes(11 * MIB);
    await store.importFile('acct/ef/ranged', await localFile(bytes));
    for (const header of ['bytes=0-99', `bytes=${5 * MIB - 10}-${5 * MIB + 9}`, 'bytes=-777', `bytes=${11 * MIB - 5}-`]) {
      const range = parseRange(header, bytes.length);
      if (!range || range === 'unsatisfiable') throw new Error(`bad range ${header}`);
      const slice = await readAll(store.read('acct/ef/ranged', range));
      expect(slice.equals(bytes.subarray(range.start, range.end + 1)), header).toBe(true);
    }
  });

  it('sends no GET for a stream dropped unread (a 304), and frees one destroyed mid-way', async () => {
    const bytes = randomBytes(2 * MIB);
    await store.importFile('acct/gh/dropped', await localFile(bytes));
    sent = [];
    store.read('acct/gh/dropped').destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toEqual([]);

    const stream = store.read('acct/gh/dropped');
    const first = await new Promise<Buffer>((resolve, reject) => stream.once('data', resolve).once('error', reject));
    expect(first.equals(bytes.subarray(0, first.length))).toBe(true);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    // The store still serves (the aborted GET did not wedge the client).
    expect(await store.size('acct/gh/dropped')).toBe(bytes.length);
  });

  it('has no size for a missing key, fails reading it with ENOENT, and deletes idempotently', async () => {
    expect(await store.size('acct/00/missing')).toBeUndefined();
    await expect(readAll(store.read('acct/00/missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.delete('acct/00/missing');

    await store.importFile('acct/00/doomed', await localFile(randomBytes(1000)));
    await store.delete('acct/00/doomed');
    expect(await store.size('acct/00/doomed')).toBeUndefined();
    await store.delete('acct/00/doomed');
  });

  it('retries a part whose answer was lost, and the object is whole', async () => {
    const bytes = randomBytes(11 * MIB);
    const fault = failing('after', (command, input) => command === 'UploadPartCommand' && input.PartNumber === 2, 1);
    try {
      await store.importFile('acct/12/retried', await localFile(bytes));
    } finally {
      fault.remove();
    }
    expect(fault.failures()).toBe(1);
    expect(sent.filter((c) => c === 'UploadPartCommand')).toHaveLength(4);
    expect(sha256(await readAll(store.read('acct/12/retried')))).toBe(sha256(bytes));
  });

  it('leaves nothing under the key, and keeps the local file, when a multipart import fails', async () => {
    const file = await localFile(randomBytes(11 * MIB));
    const fault = failing('after', (command, input) => command === 'UploadPartCommand' && input.PartNumber === 2);
    try {
      await expect(store.importFile('acct/34/failed', file)).rejects.toThrow(/injected/);
    } finally {
      fault.remove();
    }
    expect(fault.failures()).toBe(3);
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    // Best effort (s3rver refuses it); nothing depends on it.
    expect(sent.at(-1)).toBe('AbortMultipartUploadCommand');
    expect(await store.size('acct/34/failed')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(true);

    // The same file imports once the fault is gone.
    await store.importFile('acct/34/failed', file);
    expect(await store.size('acct/34/failed')).toBe(11 * MIB);
  });

  it('leaves nothing under the key when the completion fails, nor when the local file is missing', async () => {
    const file = await localFile(randomBytes(7 * MIB));
    const fault = failing('before', (command) => command === 'CompleteMultipartUploadCommand');
    try {
      await expect(store.importFile('acct/56/incomplete', file)).rejects.toThrow(/injected/);
    } finally {
      fault.remove();
    }
    expect(sent.filter((c) => c === 'UploadPartCommand')).toHaveLength(2);
    expect(await store.size('acct/56/incomplete')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(true);
    await expect(store.importFile('acct/56/nofile', path.join(tmp, 'no-such-file'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.size('acct/56/nofile')).toBeUndefined();
  });

  it('refuses keys that are not plain paths', async () => {
    await expect(store.size('acct/../x')).rejects.toThrow(/not a blob key/);
    expect(() => store.read('/acct/x')).toThrow(/not a blob key/);
  });

  it('fails init naming the bucket and the endpoint when the bucket does not exist or nothing answers', async () => {
    const missing = new S3BlobStore(s3Config(s3.blobsUrl.replace(s3.bucket, 'no-such-bucket')));
    await expect(missing.init()).rejects.toThrow(`bucket "no-such-bucket" at ${s3.endpoint} is not reachable: no such bucket`);
    missing.client.destroy();

    const nobody = new S3BlobStore(s3Config(`s3://${s3.bucket}?endpoint=http://127.0.0.1:1&region=us-east-1`));
    await expect(nobody.init()).rejects.toThrow(`bucket "${s3.bucket}" at http://127.0.0.1:1 is not reachable`);
    nobody.client.destroy();
  });

  it('sizes parts within S3 limits', () => {
    expect(partSizeFor(100 * MIB, 16 * MIB)).toBe(16 * MIB);
    expect(partSizeFor(100 * MIB, 1 * MIB)).toBe(5 * MIB);
    // 500 GiB in 16 MiB parts would be 32,000 parts: grown to stay within 10,000.
    const big = 500 * 1024 * MIB;
    expect(Math.ceil(big / partSizeFor(big, 16 * MIB))).toBeLessThanOrEqual(10_000);
  });
});
