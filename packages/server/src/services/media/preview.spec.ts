import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { renderDerivatives } from './preview.js';

describe('renderDerivatives', () => {
  it('shrinks to the long edges and keeps the aspect ratio: JPEG preview, WebP thumbnail, thumbhash', async () => {
    const jpeg = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
    const { preview, thumbnail, thumbhash } = await renderDerivatives(Readable.from([jpeg]));
    expect([preview.width, preview.height]).toEqual([2048, 1536]);
    expect((await sharp(preview.bytes).metadata()).format).toBe('jpeg');
    expect([thumbnail.width, thumbnail.height]).toEqual([256, 192]);
    expect((await sharp(thumbnail.bytes).metadata()).format).toBe('webp');
    const placeholder = thumbHashToRGBA(Buffer.from(thumbhash, 'base64'));
    expect(placeholder.w).toBeGreaterThan(placeholder.h);
    expect(placeholder.rgba[0]).toBeGreaterThan(150); // red, as the photo
    expect(placeholder.rgba[2]).toBeLessThan(100);
  });

  it('never enlarges, and takes bytes as well as a stream (a video poster)', async () => {
    const png = await sharp({ create: { width: 120, height: 40, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } }).png().toBuffer();
    const { preview, thumbnail, thumbhash } = await renderDerivatives(png);
    expect([preview.width, preview.height]).toEqual([120, 40]);
    expect([thumbnail.width, thumbnail.height]).toEqual([120, 40]);
    expect(thumbHashToRGBA(Buffer.from(thumbhash, 'base64')).w).toBeGreaterThan(0);
  });

  it('rejects when the original cannot be read, without an uncaught error', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(renderDerivatives(createReadStream('/nonexistent/original'))).rejects.toMatchObject({ code: 'ENOENT' });
      await new Promise((r) => setTimeout(r, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('rejects when the source fails midway', async () => {
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer();
    const failing = new Readable({
      read() {
        this.push(jpeg.subarray(0, 1000));
        this.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
      },
    });
    await expect(renderDerivatives(failing)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
