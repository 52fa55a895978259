import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

/** What ffprobe says about a video's first video stream. */
export interface VideoFacts {
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** When it was recorded (QuickTime / MP4 creation time), epoch ms; null when the file says nothing. */
  takenAt: number | null;
}

/** The poster is the frame at 1 s (past a fade-in or a black first frame), or the first frame of a shorter clip. */
const POSTER_AT_SECONDS = 1;
const TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

const require = createRequire(import.meta.url);

/**
 * The ffmpeg and ffprobe binaries shipped inside npm packages (@ffmpeg-installer, @ffprobe-installer),
 * so `npm ci` is the whole set-up. Loaded on first use: on a platform without a build, videos fail
 * their derivative job with the reason instead of stopping the server.
 */
function binary(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string {
  return (require(pkg) as { path: string }).path;
}

function run(file: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr.toString('utf8').trim().split('\n').slice(-3).join(' ');
        reject(new Error(`${err.message.split('\n')[0]}${detail ? `: ${detail}` : ''}`));
      } else resolve(stdout);
    });
  });
}

/** Dimensions as displayed (a 90° rotation swaps them) and duration of a video file. */
export async function probeVideo(file: string): Promise<VideoFacts> {
  const out = await run(binary('@ffprobe-installer/ffprobe'), [
    '-v', 'error',
    '-select_streams', 'v:0',
    '-show_entries',
    'stream=width,height,duration:stream_tags=rotate,creation_time:stream_side_data=rotation:format=duration:format_tags=creation_time,com.apple.quicktime.creationdate',
    '-of', 'json',
    file,
  ]);
  return parseProbe(JSON.parse(out.toString('utf8')));
}

/** Pure: ffprobe's JSON to the facts we keep. */
export function parseProbe(probe: any): VideoFacts {
  const stream = probe?.streams?.[0];
  if (!stream) throw new Error('no video stream');
  const rotation = Number(stream.tags?.rotate ?? stream.side_data_list?.find((s: any) => s.rotation !== undefined)?.rotation ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const width = positive(stream.width);
  const height = positive(stream.height);
  const seconds = Number(stream.duration ?? probe.format?.duration);
  return {
    width: quarterTurn ? height : width,
    height: quarterTurn ? width : height,
    durationMs: Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null,
    takenAt: recordedAt(probe?.format?.tags, stream.tags),
  };
}

/**
 * The recording time: Apple's creation date first (it carries the local offset), then the
 * container's, then the stream's creation_time (UTC). Zero dates (1904/1970, written by
 * encoders that know no time) and unparseable ones count as none.
 */
function recordedAt(formatTags: Record<string, string> | undefined, streamTags: Record<string, string> | undefined): number | null {
  for (const value of [formatTags?.['com.apple.quicktime.creationdate'], formatTags?.creation_time, streamTags?.creation_time]) {
    const ms = value ? Date.parse(value) : NaN;
    if (Number.isFinite(ms) && ms > Date.UTC(1971, 0, 1)) return ms;
  }
  return null;
}

/** One frame as PNG bytes, rotated as the video is shown (ffmpeg applies the rotation itself). */
export async function extractPoster(file: string, durationMs: number | null): Promise<Buffer> {
  const at = durationMs !== null && durationMs > POSTER_AT_SECONDS * 1000 ? POSTER_AT_SECONDS : 0;
  const frame = await run(binary('@ffmpeg-installer/ffmpeg'), [
    '-v', 'error',
    '-ss', String(at),
    '-i', file,
    '-frames:v', '1',
    '-f', 'image2pipe',
    '-vcodec', 'png',
    '-',
  ]);
  if (frame.length === 0) throw new Error('ffmpeg produced no frame');
  return frame;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}
