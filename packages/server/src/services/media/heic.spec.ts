import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMERA, exifBlock } from './fixtures/samples.js';
import { writeHeic } from './fixtures/heif-writer.js';
import { decodeHeic, probeHeic } from './heic.js';
import { inspectMedia } from './media-inspector.js';
import { renderDerivatives } from './preview.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-heic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HEIC (libheif in WebAssembly, in worker threads)', () => {
  it('is accepted as a photo: dimensions as displayed (irot applied), capture date and camera from its Exif item', async () => {
    const file = join(dir, 'IMG_0001.HEIC');
    writeFileSync(file, writeHeic({ width: 320, height: 240, rotation: 1, exif: exifBlock(CAMERA) }));
    const info = await inspectMedia(file);
    expect(info).toMatchObject({ type: 'photo', mime: 'image/heic', width: 240, height: 320, takenAt: Date.UTC(2024, 4, 1, 12, 34, 56) });
    expect(info.details?.camera).toEqual({ make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' });
    expect(info.details?.location).toMatchObject({ latitude: 48.8584, longitude: -2.2945, altitude: 35 });
  });

  it('renders preview, thumbnail and thumbhash from the decoded pixels, turned as the container says', async () => {
    const heic = writeHeic({ width: 640, height: 320, source: 'color=c=red', rotation: 3 });
    expect(await probeHeic(heic)).toEqual({ width: 320, height: 640 });
    const { preview, thumbnail, thumbhash } = await renderDerivatives(await decodeHeic(heic));
    expect([preview.width, preview.height]).toEqual([320, 640]);
    expect([thumbnail.width, thumbnail.height]).toEqual([128, 256]);
    const { data } = await sharp(preview.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200); // red
    expect(data[2]).toBeLessThan(60);
    expect(thumbhash.length).toBeGreaterThan(10);
  });

  it('fails a truncated HEIC with the decoder’s reason, and refuses one whose container is unreadable', async () => {
    const heic = writeHeic({ width: 512, height: 512 });
    await expect(decodeHeic(heic.subarray(0, heic.length - 2000))).rejects.toThrow(/HEIC could not be decoded: .*(end of file|outside of file)/i);
    const file = join(dir, 'cut.heic');
    writeFileSync(file, heic.subarray(0, 200));
    await expect(inspectMedia(file)).rejects.toMatchObject({ code: 'CORRUPT_MEDIA' });
  });
});
