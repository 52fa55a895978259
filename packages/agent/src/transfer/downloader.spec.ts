import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { downloadOriginal, placeNew, tmpDir } from './downloader.js';

const original = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
const checksum = createHash('sha256').update(original).digest('hex');
const id = '00000000-0000-4000-8000-000000000001';

describe('downloadOriginal', () => {
  let server: Server;
  let api: ApiClient;
  const ranges: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      ranges.push(req.headers.range);
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(from ? 206 : 200, { 'content-length': original.length - from });
      res.end(original.subarray(from));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
  });
  afterAll(() => server.close());

  it('resumes a partial download with a Range request and verifies the bytes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'skyroll-dl-'));
    mkdirSync(tmpDir(folder), { recursive: true });
    writeFileSync(join(tmpDir(folder), `${id}.part`), original.subarray(0, 40_000));
    ranges.length = 0;
    const tmp = await downloadOriginal({ assetId: id, checksum, size: original.length }, folder, api);
    expect(ranges).toEqual(['bytes=40000-']);
    expect(readFileSync(tmp).equals(original)).toBe(true);
    expect(await placeNew(tmp, join(folder, 'a/b.jpg'))).toBe(true);
    expect(existsSync(tmp)).toBe(false);
    expect(readFileSync(join(folder, 'a/b.jpg')).equals(original)).toBe(true);
  });

  it('starts again when the partial bytes are wrong, and never places over a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'skyroll-dl-'));
    mkdirSync(tmpDir(folder), { recursive: true });
    writeFileSync(join(tmpDir(folder), `${id}.part`), Buffer.alloc(50_000, 7));
    const tmp = await downloadOriginal({ assetId: id, checksum, size: original.length }, folder, api);
    expect(readFileSync(tmp).equals(original)).toBe(true);
    writeFileSync(join(folder, 'taken.jpg'), 'other bytes');
    expect(await placeNew(tmp, join(folder, 'taken.jpg'))).toBe(false);
    expect(readFileSync(join(folder, 'taken.jpg'), 'utf8')).toBe('other bytes');
  });
});
