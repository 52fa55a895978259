import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPoster, parseProbe, probeVideo } from './video.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny H.264 MP4 made by the shipped ffmpeg itself (no download). */
function makeVideo(file: string, size = '320x240', seconds = 2): void {
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=10`, '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', file]);
}

describe('video media', () => {
  it('probes duration and dimensions, and extracts a poster frame', async () => {
    const file = join(dir, 'clip.mp4');
    makeVideo(file);
    const facts = await probeVideo(file);
    expect(facts).toEqual({ width: 320, height: 240, durationMs: 2000 });
    const poster = await sharp(await extractPoster(file, facts.durationMs)).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(['png', 320, 240]);
  });

  it('takes the first frame of a clip shorter than a second', async () => {
    const file = join(dir, 'short.mp4');
    makeVideo(file, '64x48', 0.5);
    const facts = await probeVideo(file);
    expect(facts.durationMs).toBe(500);
    expect((await sharp(await extractPoster(file, facts.durationMs)).metadata()).width).toBe(64);
  });

  it('rejects a file that is not a video, with ffprobe’s reason', async () => {
    await expect(probeVideo('/nonexistent/clip.mp4')).rejects.toThrow(/No such file/);
  });

  it.each([
    [{ streams: [{ width: 1920, height: 1080, duration: '3.5', tags: { rotate: '90' } }] }, { width: 1080, height: 1920, durationMs: 3500 }],
    [{ streams: [{ width: 1920, height: 1080, side_data_list: [{ rotation: -90 }] }], format: { duration: '1.25' } }, { width: 1080, height: 1920, durationMs: 1250 }],
    [{ streams: [{ width: 640, height: 480, tags: { rotate: '180' } }], format: {} }, { width: 640, height: 480, durationMs: null }],
  ])('parseProbe %j', (probe, facts) => {
    expect(parseProbe(probe)).toEqual(facts);
  });
});
