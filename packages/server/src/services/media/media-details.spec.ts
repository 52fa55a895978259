import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMERA, jpeg, withExif } from './fixtures/samples.js';
import { toMediaDetails } from './media-details.js';
import { inspectMedia } from './media-inspector.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-details-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('EXIF details for the info panel', () => {
  it('reads camera, exposure and GPS (south and west negative) from a JPEG', async () => {
    const file = join(dir, 'photo.jpg');
    writeFileSync(file, withExif(await jpeg(64, 48, '#888'), { ...CAMERA, gps: { latitude: -33.8568, longitude: 151.2153, altitude: -12.5 } }));
    const info = await inspectMedia(file);
    expect(info.details).toEqual({
      camera: { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' },
      exposure: { fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 },
      location: { latitude: -33.8568, longitude: 151.2153, altitude: -12.5 },
    });
  });

  it('has no details for a file without EXIF', async () => {
    const file = join(dir, 'plain.jpg');
    writeFileSync(file, await jpeg(64, 48, '#888'));
    expect((await inspectMedia(file)).details).toBeNull();
  });

  it.each([
    [{ Make: 'Apple\0\0 ', Model: '  ' }, { make: 'Apple', model: null, lens: null }, null, null],
    [{ ISO: 100 }, null, { fNumber: null, exposureTime: null, iso: 100, focalLength: null }, null],
    [{ GPSLatitude: 91, GPSLongitude: 10 }, null, null, null],
    [{ GPSLatitude: 10.5, GPSLongitude: -20.25, GPSAltitude: 3, GPSAltitudeRef: 1 }, null, null, { latitude: 10.5, longitude: -20.25, altitude: -3 }],
  ])('toMediaDetails(%j)', (tags, camera, exposure, location) => {
    expect(toMediaDetails(tags)).toEqual({ camera, exposure, location });
  });
});
