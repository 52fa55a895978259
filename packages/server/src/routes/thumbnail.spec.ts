import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  FAST_JOBS,
  makeJpeg,
  makeRotatedJpeg,
  request,
  signupAndLogin,
  startTestServer,
  uploadAndCommit,
} from '../testing/harness.js';

async function fetchDerivative(base: string, token: string, id: string, kind: 'thumbnail' | 'preview', headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/assets/${id}/${kind}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function ready(base: string, token: string, id: string, kind: 'thumbnail' | 'preview') {
  return eventually(async () => {
    const res = await fetchDerivative(base, token, id, kind);
    return res.status === 200 ? res : undefined;
  }, 10_000, `the ${kind}`);
}

function derivativeRows(dataDir: string, checksum: string): Record<string, any> {
  const db = new Database(path.join(dataDir, 'skyroll.db'), { readonly: true });
  try {
    const rows = db.prepare(`select * from derivatives where checksum = ?`).all(checksum) as any[];
    return Object.fromEntries(rows.map((r) => [r.kind, r]));
  } finally {
    db.close();
  }
}

/** A tiny H.264 MP4 made by the shipped ffmpeg itself (no download). */
function makeVideo(width: number, height: number, seconds: number): Buffer {
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-clip-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=10`, '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', file]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('thumbnails and thumbhashes (the preview job)', () => {
  it('makes a 256 px WebP with the EXIF orientation applied, its thumbhash in x-thumbhash, removed on purge', async () => {
    const server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      // 3000×1000 pixels, Orientation 6: shown as 1000×3000.
      const asset = await uploadAndCommit(server.url, session.token, await makeRotatedJpeg(3000, 1000), 'tall.jpg');
      const thumbnail = await ready(server.url, session.token, asset.id, 'thumbnail');
      expect(thumbnail.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(thumbnail.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 85, 256]);
      expect(meta.orientation ?? 1).toBe(1);

      const etag = thumbnail.headers.get('etag');
      expect(etag).toBe(`"thumbnail-${asset.checksum}"`);
      expect((await fetchDerivative(server.url, session.token, asset.id, 'thumbnail', { 'if-none-match': etag! })).status).toBe(304);

      const placeholder = thumbHashToRGBA(Buffer.from(thumbnail.headers.get('x-thumbhash')!, 'base64'));
      expect(placeholder.h).toBeGreaterThan(placeholder.w); // tall, as shown
      expect(placeholder.w * placeholder.h * 4).toBe(placeholder.rgba.length);
      expect(placeholder.h).toBeLessThanOrEqual(32);

      const rows = derivativeRows(server.dataDir, asset.checksum);
      expect(rows.thumbnail).toMatchObject({ state: 'ready', width: 85, height: 256, size: thumbnail.bytes.length, thumbhash: expect.any(String), duration_ms: null });
      expect(rows.preview).toMatchObject({ state: 'ready', width: 683, height: 2048, thumbhash: null });
      const file = path.join(server.dataDir, 'originals', session.accountId, 'thumbnail', asset.checksum.slice(0, 2), `${asset.checksum}.webp`);
      expect(fs.statSync(file).size).toBe(thumbnail.bytes.length);

      const other = await signupAndLogin(server.url);
      expect((await request(server.url, `/api/assets/${asset.id}/thumbnail`, { token: other.token })).status).toBe(404);

      await request(server.url, '/api/assets/trash', { token: session.token, json: { assetIds: [asset.id] } });
      expect((await request(server.url, '/api/trash/purge', { token: session.token, json: { assetIds: [asset.id] } })).status).toBe(200);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('says why there is no thumbnail: not made yet, then failed with the error after the last attempt', async () => {
    const idle = await startTestServer({ SKYROLL_JOB_WORKERS: '0' });
    try {
      const session = await signupAndLogin(idle.url);
      const asset = await uploadAndCommit(idle.url, session.token, await makeJpeg(901), 'waiting.jpg');
      const pending = await request(idle.url, `/api/assets/${asset.id}/thumbnail`, { token: session.token });
      expect([pending.status, pending.body.error.code, pending.body.error.details.reason]).toEqual([404, 'NOT_FOUND', 'THUMBNAIL_NOT_READY']);
    } finally {
      await idle.close();
    }

    const server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      // Valid enough to be stored (its header and end markers are right), but its pixels cannot be decoded.
      const good = await makeJpeg(902);
      const broken = Buffer.concat([good.subarray(0, 200), Buffer.alloc(400, 0x00), good.subarray(-2)]);
      const asset = await uploadAndCommit(server.url, session.token, broken, 'broken.jpg');
      const failed = await eventually(async () => {
        const res = await request(server.url, `/api/assets/${asset.id}/thumbnail`, { token: session.token });
        return res.body?.error?.details?.reason === 'THUMBNAIL_FAILED' ? res : undefined;
      }, 10_000, 'the thumbnail to fail');
      expect(failed.status).toBe(404);
      expect(failed.body.error.details.error).toEqual(expect.any(String));
      expect(derivativeRows(server.dataDir, asset.checksum).thumbnail).toMatchObject({ state: 'failed', error: expect.any(String) });
    } finally {
      await server.close();
    }
  });

  it('makes a video’s preview and thumbnail from its poster frame, and records its duration', async () => {
    const server = await startTestServer(FAST_JOBS);
    try {
      const session = await signupAndLogin(server.url);
      const asset = await uploadAndCommit(server.url, session.token, makeVideo(320, 240, 2), 'clip.mp4');
      expect(asset.type).toBe('video');
      const preview = await ready(server.url, session.token, asset.id, 'preview');
      const thumbnail = await ready(server.url, session.token, asset.id, 'thumbnail');
      const previewMeta = await sharp(preview.bytes).metadata();
      expect([previewMeta.format, previewMeta.width, previewMeta.height]).toEqual(['jpeg', 320, 240]);
      const thumbnailMeta = await sharp(thumbnail.bytes).metadata();
      expect([thumbnailMeta.format, thumbnailMeta.width, thumbnailMeta.height]).toEqual(['webp', 256, 192]);
      const placeholder = thumbHashToRGBA(Buffer.from(thumbnail.headers.get('x-thumbhash')!, 'base64'));
      expect(placeholder.w).toBeGreaterThan(placeholder.h);
      const rows = derivativeRows(server.dataDir, asset.checksum);
      expect(rows.preview.duration_ms).toBeGreaterThanOrEqual(1900);
      expect(rows.preview.duration_ms).toBeLessThanOrEqual(2100);
      expect(rows.thumbnail.duration_ms).toBe(rows.preview.duration_ms);
    } finally {
      await server.close();
    }
  });
});
