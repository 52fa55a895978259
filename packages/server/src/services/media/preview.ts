import type { Readable } from 'node:stream';
import sharp from 'sharp';

/** Long edge of a preview: enough for a full-screen view, a fraction of an original's bytes. */
export const PREVIEW_LONG_EDGE = 2048;
const PREVIEW_QUALITY = 82;

export interface RenderedPreview {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** A JPEG preview of an image: EXIF orientation applied, long edge ≤ 2048 px (never enlarged). */
export async function renderPreview(original: Readable): Promise<RenderedPreview> {
  const pipeline = sharp({ failOn: 'none', limitInputPixels: 268_402_689 })
    .rotate()
    .resize({ width: PREVIEW_LONG_EDGE, height: PREVIEW_LONG_EDGE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: PREVIEW_QUALITY, mozjpeg: false });
  // A source that fails (a missing file, a dropped S3 read) must reject this call, not leave
  // sharp waiting forever or emit an error nobody listens to (which would end the process).
  const sourceFailed = new Promise<never>((_, reject) => original.once('error', reject));
  sourceFailed.catch(() => {});
  pipeline.on('error', () => {}); // reported through toBuffer, or through the source's error
  original.once('error', () => {
    original.unpipe(pipeline);
    pipeline.destroy();
  });
  const { data, info } = await Promise.race([original.pipe(pipeline).toBuffer({ resolveWithObject: true }), sourceFailed]);
  return { jpeg: data, width: info.width, height: info.height };
}
