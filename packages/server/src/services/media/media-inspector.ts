import fsp from 'node:fs/promises';
import exifr from 'exifr';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { SkyrollError } from '@skyroll/protocol';
import { parseExifDate } from './exif-date.js';

export interface MediaInfo {
  mime: string;
  type: 'photo' | 'video';
  width: number | null;
  height: number | null;
  /** Capture time, epoch ms; null when the file carries none. */
  takenAt: number | null;
}

const JPEG_EOI = Buffer.from([0xff, 0xd9]);
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Formats the prebuilt sharp (libvips) decodes; for the rest the integrity check is skipped. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif']);

/**
 * Reads what the server needs to know about an uploaded original: its real type (from its
 * bytes, never its name), whether it is whole, its dimensions and capture time.
 * Throws UNSUPPORTED_MEDIA or CORRUPT_MEDIA.
 */
export async function inspectMedia(file: string): Promise<MediaInfo> {
  const sniffed = await fileTypeFromFile(file);
  const mime = sniffed?.mime;
  if (!mime || !(mime.startsWith('image/') || mime.startsWith('video/'))) {
    throw new SkyrollError('UNSUPPORTED_MEDIA', undefined, { detected: mime ?? null });
  }
  const type = mime.startsWith('video/') ? 'video' : 'photo';
  if (type === 'photo') await checkImageIntegrity(file, mime);
  const exif = await readExif(file);
  const dims = type === 'photo' ? await readDimensions(file) : undefined;
  return {
    mime,
    type,
    width: dims?.width ?? exif.width,
    height: dims?.height ?? exif.height,
    takenAt: exif.takenAt,
  };
}

/**
 * Cheap first: a whole JPEG ends with an EOI marker, a whole PNG with its IEND chunk. Files that
 * do not (trailing data, other formats) get a full decode that fails on truncation.
 */
async function checkImageIntegrity(file: string, mime: string): Promise<void> {
  const tail = await readTail(file, 32);
  if (mime === 'image/jpeg' && tail.subarray(-JPEG_EOI.length).equals(JPEG_EOI)) return;
  if (mime === 'image/png' && tail.subarray(-PNG_IEND.length).equals(PNG_IEND)) return;
  if (!DECODABLE.has(mime)) return;
  try {
    // A full pixel decode: `stats()` with sequential reads let a truncated JPEG through about one
    // time in three when other images were being processed at the same time.
    await sharp(file, { failOn: 'truncated', limitInputPixels: false }).raw().toBuffer();
  } catch (err) {
    throw new SkyrollError('CORRUPT_MEDIA', undefined, { reason: (err as Error).message });
  }
}

async function readTail(file: string, bytes: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(bytes, size);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer;
  } finally {
    await handle.close();
  }
}

interface ExifFacts {
  takenAt: number | null;
  width: number | null;
  height: number | null;
}

async function readExif(file: string): Promise<ExifFacts> {
  try {
    const tags = (await exifr.parse(file, {
      reviveValues: false,
      pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTimeDigitized', 'ExifImageWidth', 'ExifImageHeight'],
    })) as Record<string, unknown> | undefined;
    if (!tags) return { takenAt: null, width: null, height: null };
    const takenAt =
      parseExifDate(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ?? parseExifDate(tags.CreateDate, tags.OffsetTimeDigitized);
    return { takenAt, width: positiveInt(tags.ExifImageWidth), height: positiveInt(tags.ExifImageHeight) };
  } catch {
    // A file without readable metadata is still a photo; the commit's mtime stands in.
    return { takenAt: null, width: null, height: null };
  }
}

/** Dimensions as displayed: sharp reads them from the header (cheaper and truer than EXIF). */
async function readDimensions(file: string): Promise<{ width: number; height: number } | undefined> {
  try {
    const meta = await sharp(file).metadata();
    if (!meta.width || !meta.height) return undefined;
    const rotated = (meta.orientation ?? 1) >= 5;
    return rotated ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  } catch {
    return undefined;
  }
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}
