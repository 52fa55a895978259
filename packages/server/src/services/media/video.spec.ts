import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectMedia } from './media-inspector.js';
import { extractPoster, parseProbe, probeVideo } from './video.js';

const dir = mkdtempSync(join(tmpdir(), 'skyroll-video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny H.264 MP4 made by the shipped ffmpeg itself (no download). */
function makeVideo(file: string, size = '320x240', seconds = 2, metadata: string[] = []): void {
  const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  const tags = metadata.flatMap((m) => ['-metadata', m]);
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=10`, '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', ...tags, file]);
}

describe('video media', () => {
  it('probes duration and dimensions, and extracts a poster frame', async () => {
    const file = join(dir, 'clip.mp4');
    makeVideo(file);
    const facts = await probeVideo(file);
    expect(facts).toEqual({ width: 320, height: 240, durationMs: 2000, takenAt: null });
    const poster = await sharp(await extractPoster(file, facts.durationMs)).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(['png', 320, 240]);
  });

  it('reads when the video was recorded, and where it says nothing, inspection falls back to no date', async () => {
    const file = join(dir, 'dated.mp4');
    makeVideo(file, '160x120', 1, ['creation_time=2023-08-14T17:05:09.000000Z']);
    expect((await probeVideo(file)).takenAt).toBe(Date.UTC(2023, 7, 14, 17, 5, 9));
    const info = await inspectMedia(file);
    expect(info).toMatchObject({ type: 'video', mime: 'video/mp4', width: 160, height: 120, takenAt: Date.UTC(2023, 7, 14, 17, 5, 9) });
    const undated = join(dir, 'undated.mp4');
    makeVideo(undated, '96x64', 1);
    expect(await inspectMedia(undated)).toMatchObject({ type: 'video', width: 96, height: 64, takenAt: null });
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
    [{ streams: [{ width: 1920, height: 1080, duration: '3.5', tags: { rotate: '90' } }] }, { width: 1080, height: 1920, durationMs: 3500, takenAt: null }],
    [{ streams: [{ width: 1920, height: 1080, side_data_list: [{ rotation: -90 }] }], format: { duration: '1.25' } }, { width: 1080, height: 1920, durationMs: 1250, takenAt: null }],
    [{ streams: [{ width: 640, height: 480, tags: { rotate: '180' } }], format: {} }, { width: 640, height: 480, durationMs: null, takenAt: null }],
    // Apple's local-time creation date wins over the UTC creation_time; encoder zero dates are none.
    [
      { streams: [{ width: 8, height: 8, tags: { creation_time: '2024-01-01T10:00:00.000000Z' } }], format: { tags: { 'com.apple.quicktime.creationdate': '2024-01-01T11:00:00+0100', creation_time: '2024-01-01T10:00:01.000000Z' } } },
      { width: 8, height: 8, durationMs: null, takenAt: Date.UTC(2024, 0, 1, 10, 0, 0) },
    ],
    [{ streams: [{ width: 8, height: 8, tags: { creation_time: '1970-01-01T00:00:00.000000Z' } }], format: { tags: { creation_time: '1904-01-01T00:00:00Z' } } }, { width: 8, height: 8, durationMs: null, takenAt: null }],
  ])('parseProbe %j', (probe, facts) => {
    expect(parseProbe(probe)).toEqual(facts);
  });
});
