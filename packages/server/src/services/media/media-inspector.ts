import fsp from 'node:fs/promises';
import exifr from 'exifr';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { SkyrollError } from '@skyroll/protocol';
import { parseExifDate } from './exif-date.js';
import { isHeif, isRaw } from './formats.js';
import { probeHeic } from './heic.js';
import { hasDetails, toMediaDetails, type MediaDetails } from './media-details.js';
import { rawMimeOfTiff, readRaw } from './raw.js';
import { probeVideo } from './video.js';

export interface MediaInfo {
  mime: string;
  type: 'photo' | 'video';
  width: number | null;
  height: number | null;
  /** Capture time, epoch ms; null when the file carries none. */
  takenAt: number | null;
  /** Camera, exposure and place from EXIF, for the info panel; null when the file has none. */
  details: MediaDetails | null;
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
  let mime = sniffed?.mime;
  if (!mime || !(mime.startsWith('image/') || mime.startsWith('video/'))) {
    throw new SkyrollError('UNSUPPORTED_MEDIA', undefined, { detected: mime ?? null });
  }
  // Most camera RAW files are TIFFs inside; only a closer look (ExifTool) tells a NEF from a scan.
  if (mime === 'image/tiff') mime = (await rawMimeOfTiff(file)) ?? mime;
  if (isRaw(mime)) return inspectRaw(file, mime);
  const type = mime.startsWith('video/') ? 'video' : 'photo';
  if (type === 'video') return inspectVideo(file, mime);
  await checkImageIntegrity(file, mime);
  const exif = await readExif(file);
  const dims = type === 'photo' ? await readDimensions(file, mime) : undefined;
  return {
    mime,
    type,
    width: dims?.width ?? exif.width,
    height: dims?.height ?? exif.height,
    takenAt: exif.takenAt,
    details: exif.details,
  };
}

/**
 * A video's dimensions and recording time come from ffprobe. One it cannot read is still stored
 * (its poster job then fails with ffprobe's reason, shown on the asset): a codec this build lacks
 * is no reason to refuse a user's video.
 */
async function inspectVideo(file: string, mime: string): Promise<MediaInfo> {
  const exif = await readExif(file);
  const facts = await probeVideo(file).catch(() => undefined);
  return {
    mime,
    type: 'video',
    width: facts?.width ?? exif.width,
    height: facts?.height ?? exif.height,
    takenAt: exif.takenAt ?? facts?.takenAt ?? null,
    details: exif.details,
  };
}

/** A RAW is accepted when ExifTool can read it; its pictures are checked when its preview is made. */
async function inspectRaw(file: string, mime: string): Promise<MediaInfo> {
  try {
    const raw = await readRaw(file);
    return { mime, type: 'photo', width: raw.width, height: raw.height, takenAt: raw.takenAt, details: hasDetails(raw.details) ? raw.details : null };
  } catch (err) {
    throw new SkyrollError('CORRUPT_MEDIA', undefined, { reason: (err as Error).message });
  }
}

/**
 * Only the camera, exposure and place of a stored original (read again for originals verified
 * before they were kept); null when the file says nothing or its metadata cannot be read.
 */
export async function readMediaDetails(file: string, mime: string): Promise<MediaDetails | null> {
  if (!isRaw(mime)) return (await readExif(file)).details;
  const raw = await readRaw(file).catch(() => undefined);
  return raw && hasDetails(raw.details) ? raw.details : null;
}

/**
 * Cheap first: a whole JPEG ends with an EOI marker, a whole PNG with its IEND chunk. Files that
 * do not (trailing data, other formats) get a full decode that fails on truncation.
 */
async function checkImageIntegrity(file: string, mime: string): Promise<void> {
  const tail = await readTail(file, 32);
  if (mime === 'image/jpeg' && tail.subarray(-JPEG_EOI.length).equals(JPEG_EOI)) return;
  if (mime === 'image/png' && tail.subarray(-PNG_IEND.length).equals(PNG_IEND)) return;
  if (!DECODABLE.has(mime)) return; // a HEIF is checked as its dimensions are read
  try {
    // A full pixel decode: `stats()` with sequential reads let a truncated JPEG through about one
    // time in three when other images were being processed at the same time.
    await sharp(file, { failOn: 'truncated', limitInputPixels: false }).raw().toBuffer();
  } catch (err) {
    throw new SkyrollError('CORRUPT_MEDIA', undefined, { reason: (err as Error).message });
  }
}

/**
 * A HEIF whose container cannot be read is refused; its pixels are decoded only for its
 * derivatives (a damaged image there fails the derivative, with the decoder's reason).
 */
async function heifDimensions(file: string): Promise<{ width: number; height: number }> {
  try {
    return await probeHeic(await fsp.readFile(file));
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
  details: MediaDetails | null;
}

const NO_EXIF: ExifFacts = { takenAt: null, width: null, height: null, details: null };

async function readExif(file: string): Promise<ExifFacts> {
  try {
    const tags = (await exifr.parse(file, {
      reviveValues: false,
      translateValues: false,
      tiff: true,
      exif: true,
      gps: true,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
    })) as Record<string, unknown> | undefined;
    if (!tags) return NO_EXIF;
    const takenAt =
      parseExifDate(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ?? parseExifDate(tags.CreateDate, tags.OffsetTimeDigitized);
    const details = toMediaDetails(tags);
    return { takenAt, width: positiveInt(tags.ExifImageWidth), height: positiveInt(tags.ExifImageHeight), details: hasDetails(details) ? details : null };
  } catch {
    // A file without readable metadata is still a photo; the commit's mtime stands in.
    return NO_EXIF;
  }
}

/** Dimensions as displayed: read from the header (cheaper and truer than EXIF). */
async function readDimensions(file: string, mime: string): Promise<{ width: number; height: number } | undefined> {
  if (isHeif(mime)) return heifDimensions(file);
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
