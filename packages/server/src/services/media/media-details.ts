/**
 * What the viewer's info panel shows about a photo beyond its size and date: the camera, the
 * exposure and where it was taken. Read once, when the original is verified, and kept with it.
 */
export interface MediaDetails {
  camera: { make: string | null; model: string | null; lens: string | null } | null;
  exposure: { fNumber: number | null; exposureTime: number | null; iso: number | null; focalLength: number | null } | null;
  location: { latitude: number; longitude: number; altitude: number | null } | null;
}

/**
 * Pure: EXIF tags (as exifr reads them from JPEG/HEIC/TIFF, or ExifTool with numeric values from
 * RAW files; both use the EXIF tag names) to the details. Null parts when the file says nothing.
 */
export function toMediaDetails(tags: Record<string, unknown>): MediaDetails {
  const make = text(tags.Make);
  const model = text(tags.Model);
  const lens = text(tags.LensModel) ?? text(tags.Lens) ?? text(tags.LensID);
  const fNumber = number(tags.FNumber);
  const exposureTime = number(tags.ExposureTime);
  const iso = number(tags.ISO) ?? number(tags.ISOSpeedRatings);
  const focalLength = number(tags.FocalLength);
  return {
    camera: make || model || lens ? { make, model, lens } : null,
    exposure: fNumber !== null || exposureTime !== null || iso !== null || focalLength !== null ? { fNumber, exposureTime, iso, focalLength } : null,
    location: location(tags),
  };
}

export function hasDetails(details: MediaDetails): boolean {
  return details.camera !== null || details.exposure !== null || details.location !== null;
}

function location(tags: Record<string, unknown>): MediaDetails['location'] {
  // exifr computes signed `latitude`/`longitude`; ExifTool (numeric) gives signed GPSLatitude/GPSLongitude.
  const latitude = number(tags.latitude) ?? number(tags.GPSLatitude);
  const longitude = number(tags.longitude) ?? number(tags.GPSLongitude);
  if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  const altitude = number(tags.GPSAltitude);
  const belowSeaLevel = first(tags.GPSAltitudeRef) === 1;
  return { latitude: round(latitude, 7), longitude: round(longitude, 7), altitude: altitude === null ? null : round(belowSeaLevel ? -altitude : altitude, 2) };
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Camera strings are often padded with NULs or spaces to a fixed length.
  const trimmed = value.replace(/\0/g, '').trim();
  return trimmed.length > 0 ? trimmed : null;
}

function number(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function first(value: unknown): unknown {
  return ArrayBuffer.isView(value) || Array.isArray(value) ? (value as ArrayLike<unknown>)[0] : value;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
