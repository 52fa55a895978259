/** The test support itself: photos are deterministic and realistic, trees hash what is there. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { diffTrees, hashTree, waitFor } from './harness.js';
import { UNICODE_NAMES, makePhoto, makeTruncatedJpeg, sha256, writeNonMediaFiles, writePhotos, writeUnicodePhotos, writeZeroByteFile } from './photos.js';

const dirs: string[] = [];
async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skyroll-support-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('photo generator', () => {
  it('gives the same bytes for the same index and seed, different bytes otherwise', async () => {
    const [a, b, c, d] = await Promise.all([
      makePhoto(7, { targetBytes: 40_000 }),
      makePhoto(7, { targetBytes: 40_000 }),
      makePhoto(8, { targetBytes: 40_000 }),
      makePhoto(7, { targetBytes: 40_000, seed: 1 }),
    ]);
    expect(a.sha256).toBe(b.sha256);
    expect(new Set([a.sha256, c.sha256, d.sha256]).size).toBe(3);
    expect(a.sha256).toBe(sha256(a.bytes));
  });

  it('hits the target size within 15 % and writes readable EXIF', async () => {
    for (const [index, target] of [
      [0, 2 * 1024 * 1024],
      [3, 100 * 1024],
    ] as const) {
      const photo = await makePhoto(index, { targetBytes: target });
      expect(Math.abs(photo.bytes.length / target - 1), `photo ${index}: ${photo.bytes.length} bytes`).toBeLessThan(0.15);
      const meta = await sharp(photo.bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect([meta.width, meta.height]).toEqual([photo.width, photo.height]);
      expect(meta.orientation).toBe(photo.exif.orientation);
      const exif = await exifr.parse(photo.bytes, { gps: true });
      expect(exif.Make).toBe(photo.exif.make);
      expect(exif.Model).toBe(photo.exif.model);
      expect(exif.DateTimeOriginal).toBeInstanceOf(Date);
      if (photo.exif.gps) expect(exif.latitude).toBeCloseTo(photo.exif.gps.latitude, 2);
    }
  });

  it('varies cameras, dates, orientation and GPS across a series', async () => {
    const photos = await Promise.all(Array.from({ length: 8 }, (_, i) => makePhoto(i, { width: 64, height: 48 })));
    expect(new Set(photos.map((p) => p.exif.model)).size).toBeGreaterThan(3);
    expect(new Set(photos.map((p) => p.exif.takenAt)).size).toBe(8);
    expect(new Set(photos.map((p) => p.exif.orientation)).size).toBeGreaterThan(1);
    expect(photos.some((p) => p.exif.gps) && photos.some((p) => !p.exif.gps)).toBe(true);
  });

  it('makes bad inputs: empty, truncated, not media, Unicode NFC/NFD', async () => {
    const dir = await temp();
    await writeZeroByteFile(dir);
    await expect(sharp(await makeTruncatedJpeg()).toBuffer()).rejects.toThrow();
    await writeNonMediaFiles(dir);
    const unicode = await writeUnicodePhotos(dir);
    expect(UNICODE_NAMES.nfc).not.toBe(UNICODE_NAMES.nfd);
    const tree = await hashTree(dir);
    expect(tree.get('empty.jpg')).toBe(sha256(Buffer.alloc(0)));
    for (const [name, hash] of unicode) expect(tree.get(name)).toBe(hash);
    expect(tree.size).toBe(3 + unicode.size);
  });
});

describe('harness helpers', () => {
  it('hashTree walks subfolders, ignores .skyroll, and diffTrees explains differences', async () => {
    const dir = await temp();
    const photos = await writePhotos(dir, 2, { width: 64, height: 48, subdir: 'a/b' });
    await mkdir(join(dir, '.skyroll'), { recursive: true });
    await writeFile(join(dir, '.skyroll', 'folder'), 'marker');
    const tree = await hashTree(dir);
    expect([...tree.keys()].sort()).toEqual(photos.map((p) => p.relativePath).sort());
    const other = new Map(tree);
    other.delete(photos[0].relativePath);
    expect(diffTrees(tree, other)).toContain('missing');
  });

  it('waitFor returns the value, or fails saying what it waited for', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0), 2_000, 'n to reach 3', { intervalMs: 10 })).toBe(3);
    await expect(waitFor(() => false, 100, 'something impossible', { intervalMs: 10 })).rejects.toThrow(
      /Timed out after 100 ms waiting for something impossible/,
    );
  });
});
