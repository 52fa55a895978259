import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectMedia } from './media-inspector.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 90 }).toBuffer();

describe('inspectMedia', () => {
  it('rejects every truncated JPEG even while other images are being processed', async () => {
    const whole = await noise(400, 300);
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const busy = await noise(1600, 1200);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const file = join(dir, `t${i}.jpg`);
        writeFileSync(file, truncated);
        const [, outcome] = await Promise.all([
          sharp(busy).resize(800).jpeg().toBuffer(),
          inspectMedia(file).then(
            () => 'accepted',
            (err: { code?: string }) => err.code,
          ),
        ]);
        return outcome;
      }),
    );
    expect(new Set(outcomes)).toEqual(new Set(['CORRUPT_MEDIA']));
  });

  it('accepts the whole JPEG', async () => {
    const file = join(dir, 'whole.jpg');
    writeFileSync(file, await noise(400, 300));
    await expect(inspectMedia(file)).resolves.toMatchObject({ type: 'photo', mime: 'image/jpeg', width: 400, height: 300 });
  });
});
