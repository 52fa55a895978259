import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMERA, dng, jpeg } from './fixtures/samples.js';
import { inspectMedia } from './media-inspector.js';
import { renderDerivatives } from './preview.js';
import { extractRawPreview } from './raw.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Red on the left, blue on the right, as the sensor saw it. */
const preview = async () => ({ jpeg: await jpeg(400, 200, '#ff0000', '#0000ff'), width: 400, height: 200 });

describe('camera RAW (ExifTool)', () => {
  it('accepts a DNG as a photo, with its date, camera, exposure and place', async () => {
    const file = join(dir, 'IMG_0002.DNG');
    writeFileSync(file, dng(await preview(), { ...CAMERA, orientation: 6 }));
    const info = await inspectMedia(file);
    expect(info).toMatchObject({ type: 'photo', mime: 'image/x-adobe-dng', takenAt: Date.UTC(2024, 4, 1, 12, 34, 56) });
    expect(info.details).toEqual({
      camera: { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' },
      exposure: { fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 },
      location: { latitude: 48.8584, longitude: -2.2945, altitude: 35 },
    });
  });

  it('renders from the largest embedded JPEG, turned by the RAW’s orientation', async () => {
    const file = join(dir, 'turned.dng');
    writeFileSync(file, dng(await preview(), { ...CAMERA, orientation: 6 }));
    const { image, orientation } = await extractRawPreview(file);
    expect(orientation).toBe(6);
    const rendered = await renderDerivatives(image, { orientation });
    expect([rendered.preview.width, rendered.preview.height]).toEqual([200, 400]);
    // Rotated 90° clockwise: the sensor's left (red) is now the top.
    const { data, info } = await sharp(rendered.preview.bytes).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    expect(at(100, 20)[0]).toBeGreaterThan(200);
    expect(at(100, 380)[2]).toBeGreaterThan(200);
  });

  it('fails clearly, without crashing, when the RAW holds no JPEG preview', async () => {
    const file = join(dir, 'bare.dng');
    writeFileSync(file, dng(null));
    await expect(extractRawPreview(file)).rejects.toThrow(/no embedded JPEG preview/);
  });
});
