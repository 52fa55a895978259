/**
 * The puller's hands: an original into `.skyroll/tmp/<assetId>.part` (resumed with HTTP Range),
 * verified and fsynced, then moved under its real name: never a half file under the real name.
 */
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { RESERVED_DIR, SkyrollError } from '@skyroll/protocol';
import { sha256File } from '../scan/hasher.js';
import type { ApiClient } from './api-client.js';

export interface DownloadJob {
  assetId: string;
  checksum: string;
  size: number;
}

export function tmpDir(folder: string): string {
  return join(folder, RESERVED_DIR, 'tmp');
}

/** Downloads into the temp file and returns its path once verified and durable. */
export async function downloadOriginal(
  job: DownloadJob,
  folder: string,
  api: ApiClient,
  options: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<string> {
  await mkdir(tmpDir(folder), { recursive: true });
  const part = join(tmpDir(folder), `${job.assetId}.part`);
  for (let attempt = 0; ; attempt++) {
    let have = await stat(part).then((s) => s.size, () => 0);
    if (have > job.size) {
      await truncate(part, 0);
      have = 0;
    }
    if (have < job.size || job.size === 0) {
      const res = await api.original(job.assetId, have, options.signal);
      const resumed = res.status === 206;
      if (!res.body) throw new SkyrollError('INTERNAL', 'empty download body');
      const counter = new Transform({
        transform(chunk: Buffer, _e, done) {
          options.onProgress?.(chunk.length);
          done(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(part, { flags: resumed ? 'a' : 'w' }),
        { signal: options.signal },
      );
    }
    if ((await sha256File(part)) === job.checksum) break;
    await unlink(part);
    if (attempt > 0) throw new SkyrollError('CHECKSUM_MISMATCH', 'the downloaded original does not match its SHA-256');
  }
  await fsyncPath(part);
  return part;
}

/** An asset's preview (JPEG) into `.skyroll/tmp/<assetId>.preview`, fsynced, with its SHA-256. */
export async function downloadPreview(
  assetId: string,
  folder: string,
  api: ApiClient,
  signal?: AbortSignal,
): Promise<{ path: string; checksum: string; size: number }> {
  await mkdir(tmpDir(folder), { recursive: true });
  const path = join(tmpDir(folder), `${assetId}.preview`);
  const res = await api.preview(assetId, signal);
  if (!res.body) throw new SkyrollError('INTERNAL', 'empty preview body');
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(path), { signal });
  await fsyncPath(path);
  return { path, checksum: await sha256File(path), size: (await stat(path)).size };
}

/** Moves a verified temp file to `dest` unless something already is there. False when taken. */
export async function placeNew(tmp: string, dest: string): Promise<boolean> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await link(tmp, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if (await stat(dest).then(() => true, () => false)) return false;
    await rename(tmp, dest);
    await fsyncPath(dirname(dest));
    return true;
  }
  await unlink(tmp);
  await fsyncPath(dirname(dest));
  return true;
}

/** Replaces `dest` with a verified temp file in one step. */
export async function placeOver(tmp: string, dest: string): Promise<void> {
  await rename(tmp, dest);
  await fsyncPath(dirname(dest));
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the data itself was synced.
  } finally {
    await handle.close();
  }
}
