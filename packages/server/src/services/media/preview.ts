import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { RgbaImage } from './heic.js';
import { orient } from './orientation.js';

/** Long edge of a preview: enough for a full-screen view, a fraction of an original's bytes. */
export const PREVIEW_LONG_EDGE = 2048;
/** Long edge of a thumbnail: a grid cell on a high-density screen. */
export const THUMBNAIL_LONG_EDGE = 256;
/** thumbhash encodes images of at most 100×100 pixels. */
const THUMBHASH_LONG_EDGE = 100;
const PREVIEW_QUALITY = 82;
const THUMBNAIL_QUALITY = 75;
const MAX_INPUT_PIXELS = 268_402_689;

export interface RenderedImage {
  bytes: Buffer;
  width: number;
  height: number;
}

export interface RenderedDerivatives {
  /** JPEG, long edge ≤ 2048 px. */
  preview: RenderedImage;
  /** WebP, long edge ≤ 256 px. */
  thumbnail: RenderedImage;
  /** Base64 thumbhash: a ~25-byte placeholder shown before the thumbnail arrives. */
  thumbhash: string;
}

export interface RenderOptions {
  /**
   * An EXIF orientation to apply instead of the image's own (a RAW's preview carries none; the
   * RAW's tags say how it was held). Decoded pixels (a HEIC) come already oriented.
   */
  orientation?: number | null;
}

/**
 * The preview, thumbnail and thumbhash of an image (EXIF orientation applied, never enlarged).
 * The original is decoded once, into the preview's pixels; the smaller outputs are made from those.
 * Accepts a stream (an original in the blob store), bytes (a video's poster frame, a RAW's
 * embedded preview) or decoded pixels (a HEIC).
 */
export async function renderDerivatives(original: Readable | Buffer | RgbaImage, options: RenderOptions = {}): Promise<RenderedDerivatives> {
  const decoded = await decodeToPreviewSize(original, options);
  const raw = { raw: { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels } };
  const [preview, thumbnail, thumbhash] = await Promise.all([
    sharp(decoded.data, raw).jpeg({ quality: PREVIEW_QUALITY, mozjpeg: false }).toBuffer({ resolveWithObject: true }),
    sharp(decoded.data, raw)
      .resize({ width: THUMBNAIL_LONG_EDGE, height: THUMBNAIL_LONG_EDGE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: THUMBNAIL_QUALITY })
      .toBuffer({ resolveWithObject: true }),
    sharp(decoded.data, raw)
      .resize({ width: THUMBHASH_LONG_EDGE, height: THUMBHASH_LONG_EDGE, fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }),
  ]);
  return {
    preview: { bytes: preview.data, width: preview.info.width, height: preview.info.height },
    thumbnail: { bytes: thumbnail.data, width: thumbnail.info.width, height: thumbnail.info.height },
    thumbhash: Buffer.from(rgbaToThumbHash(thumbhash.info.width, thumbhash.info.height, thumbhash.data)).toString('base64'),
  };
}

/** Decodes, orients and shrinks to the preview's size: 8-bit sRGB pixels, alpha kept. */
async function decodeToPreviewSize(original: Readable | Buffer | RgbaImage, options: RenderOptions) {
  const resize = { width: PREVIEW_LONG_EDGE, height: PREVIEW_LONG_EDGE, fit: 'inside', withoutEnlargement: true } as const;
  if (Buffer.isBuffer(original)) {
    const image = sharp(original, { failOn: 'none', limitInputPixels: MAX_INPUT_PIXELS });
    const oriented = options.orientation === undefined ? image.rotate() : orient(image, options.orientation);
    return oriented.resize(resize).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  }
  if (isRgba(original)) {
    const raw = { width: original.width, height: original.height, channels: 4 as const };
    return sharp(original.data, { raw, limitInputPixels: MAX_INPUT_PIXELS }).resize(resize).raw().toBuffer({ resolveWithObject: true });
  }
  const pipeline = sharp({ failOn: 'none', limitInputPixels: MAX_INPUT_PIXELS }).rotate().resize(resize).toColourspace('srgb').raw();
  // A source that fails (a missing file, a dropped S3 read) must reject this call, not leave
  // sharp waiting forever or emit an error nobody listens to (which would end the process).
  const sourceFailed = new Promise<never>((_, reject) => original.once('error', reject));
  sourceFailed.catch(() => {});
  pipeline.on('error', () => {}); // reported through toBuffer, or through the source's error
  original.once('error', () => {
    original.unpipe(pipeline);
    pipeline.destroy();
  });
  return Promise.race([original.pipe(pipeline).toBuffer({ resolveWithObject: true }), sourceFailed]);
}

function isRgba(original: Readable | RgbaImage): original is RgbaImage {
  return 'data' in original && original.data instanceof Uint8Array && typeof (original as RgbaImage).width === 'number';
}
