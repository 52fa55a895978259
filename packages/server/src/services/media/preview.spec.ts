import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPreview } from './preview.js';

describe('renderPreview', () => {
  it('shrinks to the long edge and keeps the aspect ratio', async () => {
    const jpeg = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
    const preview = await renderPreview(Readable.from([jpeg]));
    expect([preview.width, preview.height]).toEqual([2048, 1536]);
    expect((await sharp(preview.jpeg).metadata()).format).toBe('jpeg');
  });

  it('rejects when the original cannot be read, without an uncaught error', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(renderPreview(createReadStream('/nonexistent/original'))).rejects.toMatchObject({ code: 'ENOENT' });
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
    await expect(renderPreview(failing)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
