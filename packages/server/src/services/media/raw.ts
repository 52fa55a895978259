import { ExifTool, type Tags } from 'exiftool-vendored';
import { mediaConcurrency } from './concurrency.js';
import { parseExifDate } from './exif-date.js';
import { isRaw } from './formats.js';
import { toMediaDetails, type MediaDetails } from './media-details.js';
import { swapsAxes } from './orientation.js';

/**
 * Camera RAW through ExifTool (exiftool-vendored: the Perl ExifTool, run as a few long-lived
 * processes): it knows every maker's container (TIFF-based CR2/NEF/ARW/DNG…, CR3, RAF, X3F) and
 * where each hides its full-size JPEG preview. Processes start on first use and end when idle.
 */
let tool: ExifTool | undefined;
function exiftool(): ExifTool {
  return (tool ??= new ExifTool({
    maxProcs: Math.min(mediaConcurrency(), 4),
    maxIdleMsPerProcess: 30_000,
    // Numbers, not ExifTool's display strings ("1/250", "50.0 mm", "Rotate 90 CW").
    numericTags: ['*Duration*', 'GPS*', 'Orientation', 'ExposureTime', 'FNumber', 'FocalLength', 'ISO'],
    geolocation: false,
  }));
}

/** Embedded images, in the order a tie is broken; the largest one is shown. */
const PREVIEW_TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage'] as const;

export interface RawFacts {
  /** ExifTool's type for the file; a TIFF-based RAW that file-type called image/tiff is named here. */
  mime: string | null;
  width: number | null;
  height: number | null;
  takenAt: number | null;
  orientation: number | null;
  details: MediaDetails;
}

export async function readRaw(file: string): Promise<RawFacts> {
  const tags = (await exiftool().read(file)) as Tags & Record<string, unknown>;
  const orientation = typeof tags.Orientation === 'number' ? tags.Orientation : null;
  const size = /^(\d+)x(\d+)$/.exec(String(tags.ImageSize ?? ''));
  const [w, h] = size ? [Number(size[1]), Number(size[2])] : [null, null];
  return {
    mime: typeof tags.MIMEType === 'string' ? tags.MIMEType : null,
    width: swapsAxes(orientation) ? h : w,
    height: swapsAxes(orientation) ? w : h,
    takenAt: parseExifDate(rawDate(tags.DateTimeOriginal), tags.OffsetTimeOriginal) ?? parseExifDate(rawDate(tags.CreateDate), tags.OffsetTimeDigitized),
    orientation,
    details: toMediaDetails(tags),
  };
}

/** Is this TIFF a camera RAW (a NEF or ARW whose first bytes file-type cannot tell from a TIFF)? */
export async function rawMimeOfTiff(file: string): Promise<string | null> {
  const mime = (await readRaw(file).catch(() => undefined))?.mime;
  return mime && isRaw(mime) ? mime : null;
}

/**
 * The largest JPEG the camera embedded, and the RAW's orientation (the preview's pixels are as
 * the sensor saw them; the orientation lives in the RAW's own tags). Throws a clear error when
 * the file holds no preview: such a RAW needs a RAW developer, which the server does not have.
 */
export async function extractRawPreview(file: string): Promise<{ image: Buffer; orientation: number | null }> {
  const tags = (await exiftool().read(file)) as Record<string, unknown>;
  const candidates = PREVIEW_TAGS.map((tag) => ({ tag, bytes: binarySize(tags[tag]) }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  for (const { tag } of candidates) {
    const image = await exiftool().extractBinaryTagToBuffer(tag, file);
    if (image.length > 2 && image[0] === 0xff && image[1] === 0xd8) {
      return { image, orientation: typeof tags.Orientation === 'number' ? tags.Orientation : null };
    }
  }
  throw new Error('the RAW file holds no embedded JPEG preview (a RAW developer would be needed to show it)');
}

function binarySize(value: unknown): number {
  const bytes = (value as { bytes?: unknown } | undefined)?.bytes;
  return typeof bytes === 'number' ? bytes : 0;
}

/** ExifTool dates come as ExifDateTime objects; their raw EXIF string is what the rest of the server parses. */
function rawDate(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'rawValue' in value ? (value as { rawValue: unknown }).rawValue : value;
}
