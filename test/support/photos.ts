/**
 * Deterministic, realistic test media generated at test time (no binaries in the repository).
 *
 * A photo is a JPEG of a soft colour scene plus gaussian sensor noise (so it does not compress
 * to almost nothing, as real photos do not), with varied EXIF: capture time, camera make and
 * model, orientation, and GPS on some. The same index always gives the same bytes; different
 * indexes (or seeds) give different bytes.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export interface PhotoOptions {
  /** Approximate size of the JPEG in bytes (±15 %); ignored when width and height are given. */
  targetBytes?: number;
  width?: number;
  height?: number;
  /** Varies the bytes of the whole series: the same (seed, index) is always the same photo. */
  seed?: number;
}

export interface Photo {
  index: number;
  /** A camera-like file name, e.g. `IMG_0042.jpg`. */
  name: string;
  bytes: Buffer;
  sha256: string;
  width: number;
  height: number;
  exif: PhotoExif;
}

export interface PhotoExif {
  make: string;
  model: string;
  /** EXIF `DateTimeOriginal`, `YYYY:MM:DD HH:MM:SS`. */
  takenAt: string;
  orientation: number;
  gps?: { latitude: number; longitude: number };
}

const CAMERAS: ReadonlyArray<[string, string]> = [
  ['Apple', 'iPhone 15 Pro'],
  ['Canon', 'EOS R6'],
  ['FUJIFILM', 'X-T5'],
  ['Google', 'Pixel 8'],
  ['NIKON CORPORATION', 'NIKON Z 6_2'],
  ['SONY', 'ILCE-7M4'],
  ['samsung', 'SM-S918B'],
];
const ORIENTATIONS = [1, 1, 1, 6, 1, 3, 1, 8];
const DEFAULT_TARGET_BYTES = 2 * 1024 * 1024;
const JPEG = { quality: 93, chromaSubsampling: '4:4:4', mozjpeg: false } as const;
const NOISE_SIGMA = 34;

export function sha256(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function photoName(index: number, prefix = 'IMG_'): string {
  return `${prefix}${String(index).padStart(4, '0')}.jpg`;
}

/** Makes photo number `index`; see PhotoOptions for size. */
export async function makePhoto(index: number, options: PhotoOptions = {}): Promise<Photo> {
  const seed = options.seed ?? 0;
  const rng = xorshift(hashSeed(seed, index));
  const landscape = index % 5 !== 3;
  const [width, height] =
    options.width && options.height
      ? [options.width, options.height]
      : await dimensionsFor(options.targetBytes ?? DEFAULT_TARGET_BYTES, landscape);
  const exif = exifFor(index, seed, rng);
  const pixels = scenePixels(width, height, rng);
  const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif(exifTags(exif, width, height))
    // sharp writes its own Orientation tag; this sets it to ours.
    .withMetadata({ orientation: exif.orientation })
    .jpeg(JPEG)
    .toBuffer();
  return { index, name: photoName(index), bytes, sha256: sha256(bytes), width, height, exif };
}

export interface WrittenPhoto extends Photo {
  /** Path relative to the folder it was written into ('/'-separated). */
  relativePath: string;
  absolutePath: string;
}

/**
 * Writes `count` photos (indexes start, start+1, …) into `dir`, optionally under a subfolder.
 * Generation runs a few at a time: pixel synthesis is JavaScript, encoding is in libvips threads.
 */
export async function writePhotos(
  dir: string,
  count: number,
  options: PhotoOptions & { start?: number; subdir?: string; prefix?: string; concurrency?: number } = {},
): Promise<WrittenPhoto[]> {
  const start = options.start ?? 0;
  const out: WrittenPhoto[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const photo = await makePhoto(start + i, options);
      const name = photoName(start + i, options.prefix);
      const relativePath = options.subdir ? `${options.subdir}/${name}` : name;
      const absolutePath = join(dir, relativePath);
      await mkdir(dirname(absolutePath), { recursive: true });
      await writeFile(absolutePath, photo.bytes);
      out[i] = { ...photo, name, relativePath, absolutePath };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, worker));
  return out;
}

// ---- bad inputs ----

/** A zero-byte file with a photo's name. */
export async function writeZeroByteFile(dir: string, name = 'empty.jpg'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.alloc(0));
  return path;
}

/** A valid JPEG cut in half: a download or copy that was interrupted. */
export async function makeTruncatedJpeg(index = 9001, options: PhotoOptions = {}): Promise<Buffer> {
  const photo = await makePhoto(index, { targetBytes: 80 * 1024, ...options });
  return photo.bytes.subarray(0, Math.floor(photo.bytes.length / 2));
}

export async function writeTruncatedJpeg(dir: string, name = 'truncated.jpg'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await makeTruncatedJpeg());
  return path;
}

/** Text that is not media, once under a photo's name and once as a .txt. */
export async function writeNonMediaFiles(
  dir: string,
  names: { fakeJpeg?: string; text?: string } = {},
): Promise<{ fakeJpeg: string; text: string }> {
  const fakeJpeg = join(dir, names.fakeJpeg ?? 'not-a-photo.jpg');
  const text = join(dir, names.text ?? 'notes.txt');
  await writeFile(fakeJpeg, 'This is a shopping list, not a photo.\nmilk\neggs\n');
  await writeFile(text, 'Trip notes: the light at the harbour was perfect at 7 pm.\n');
  return { fakeJpeg, text };
}

/** The same visible name in both Unicode normalisations; on Linux these are two different files. */
export const UNICODE_NAMES = {
  nfc: 'Caf\u00e9 \u00e0 Montr\u00e9al.jpg'.normalize('NFC'),
  nfd: 'Caf\u00e9 \u00e0 Montr\u00e9al.jpg'.normalize('NFD'),
  cjk: '\u5bcc\u58eb\u5c71 \u{1f5fb}.jpg',
} as const;

/** Writes a different small photo under each of UNICODE_NAMES; returns relative path → sha256. */
export async function writeUnicodePhotos(dir: string, seed = 77): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  let index = 0;
  for (const name of Object.values(UNICODE_NAMES)) {
    const photo = await makePhoto(index++, { targetBytes: 60 * 1024, seed });
    await writeFile(join(dir, name), photo.bytes);
    written.set(name, photo.sha256);
  }
  return written;
}

// ---- internals ----

function hashSeed(seed: number, index: number): number {
  const h = createHash('sha256').update(`skyroll-photo:${seed}:${index}`).digest();
  return h.readUInt32LE(0) || 1;
}

type Rng = () => number;

/** xorshift32: fast and deterministic; quality is irrelevant for noise. */
function xorshift(seed: number): Rng {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** 64 Ki gaussian samples (Box–Muller, fixed seed) reused by index: fast per-pixel noise. */
const GAUSS = (() => {
  const table = new Int8Array(65536);
  const rng = xorshift(12345);
  for (let i = 0; i < table.length; i += 2) {
    const u1 = (rng() + 1) / 4294967297;
    const u2 = rng() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1)) * NOISE_SIGMA;
    table[i] = clamp(Math.round(r * Math.cos(2 * Math.PI * u2)), -127, 127);
    table[i + 1] = clamp(Math.round(r * Math.sin(2 * Math.PI * u2)), -127, 127);
  }
  return table;
})();

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** A sky-to-ground gradient, a sun and a horizon, in colours drawn per photo, plus noise. */
function scenePixels(width: number, height: number, rng: Rng): Buffer {
  const pick = (): number => 30 + (rng() % 200);
  const sky = [pick(), pick(), pick()];
  const ground = [pick(), pick(), pick()];
  const horizon = Math.floor(height * (0.35 + (rng() % 30) / 100));
  const sunX = rng() % width;
  const sunY = rng() % Math.max(1, horizon);
  const sunR2 = (Math.min(width, height) * (0.05 + (rng() % 10) / 100)) ** 2;
  const buf = Buffer.allocUnsafe(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const above = y < horizon;
    const t = above ? y / horizon : (y - horizon) / Math.max(1, height - horizon);
    const base = above ? sky : ground;
    const shade = above ? 1 - 0.35 * t : 0.65 + 0.35 * t;
    const r0 = base[0] * shade;
    const g0 = base[1] * shade;
    const b0 = base[2] * shade;
    const dy2 = (y - sunY) ** 2;
    for (let x = 0; x < width; x++) {
      const sun = above && (x - sunX) ** 2 + dy2 < sunR2 ? 70 : 0;
      const n = rng();
      buf[o++] = clamp(r0 + sun + GAUSS[n & 0xffff], 0, 255);
      buf[o++] = clamp(g0 + sun + GAUSS[(n >>> 16) & 0xffff], 0, 255);
      buf[o++] = clamp(b0 + GAUSS[(n >>> 8) & 0xffff], 0, 255);
    }
  }
  return buf;
}

/** JPEG bytes per pixel for this scene and encoder, measured once per process. */
let bytesPerPixel: Promise<number> | undefined;

async function dimensionsFor(targetBytes: number, landscape: boolean): Promise<[number, number]> {
  bytesPerPixel ??= (async () => {
    const [w, h] = [480, 360];
    const rng = xorshift(4242);
    const jpeg = await sharp(scenePixels(w, h, rng), { raw: { width: w, height: h, channels: 3 } })
      .jpeg(JPEG)
      .toBuffer();
    return jpeg.length / (w * h);
  })();
  const pixels = Math.max(64 * 48, targetBytes / (await bytesPerPixel));
  // 4:3, dimensions even (chroma-friendly, camera-like).
  const long = Math.max(64, 2 * Math.round(Math.sqrt((pixels * 4) / 3) / 2));
  const short = Math.max(48, 2 * Math.round((long * 3) / 4 / 2));
  return landscape ? [long, short] : [short, long];
}

function exifFor(index: number, seed: number, rng: Rng): PhotoExif {
  const [make, model] = CAMERAS[(index + seed) % CAMERAS.length];
  // Spread captures over 2019–2025, a few hours apart, deterministic per index.
  const taken = new Date(Date.UTC(2019, 0, 1) + ((index * 7919 + seed * 104729) % 2400) * 3_600_000 * 19 + (rng() % 3600) * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const takenAt = `${taken.getUTCFullYear()}:${pad(taken.getUTCMonth() + 1)}:${pad(taken.getUTCDate())} ${pad(taken.getUTCHours())}:${pad(taken.getUTCMinutes())}:${pad(taken.getUTCSeconds())}`;
  const exif: PhotoExif = { make, model, takenAt, orientation: ORIENTATIONS[index % ORIENTATIONS.length] };
  if (index % 3 === 0) {
    exif.gps = {
      latitude: -60 + ((rng() % 1_200_000) / 10_000),
      longitude: -180 + ((rng() % 3_600_000) / 10_000),
    };
  }
  return exif;
}

function exifTags(exif: PhotoExif, width: number, height: number): sharp.Exif {
  const tags: sharp.Exif = {
    IFD0: {
      Make: exif.make,
      Model: exif.model,
      Orientation: String(exif.orientation),
      DateTime: exif.takenAt,
      Software: 'skyroll-test-photos',
    },
    IFD2: {
      DateTimeOriginal: exif.takenAt,
      DateTimeDigitized: exif.takenAt,
      PixelXDimension: String(width),
      PixelYDimension: String(height),
    },
  };
  if (exif.gps) {
    tags.IFD3 = {
      GPSLatitudeRef: exif.gps.latitude >= 0 ? 'N' : 'S',
      GPSLatitude: dms(Math.abs(exif.gps.latitude)),
      GPSLongitudeRef: exif.gps.longitude >= 0 ? 'E' : 'W',
      GPSLongitude: dms(Math.abs(exif.gps.longitude)),
    };
  }
  return tags;
}

/** Degrees as EXIF rationals: "deg/1 min/1 centisec/100". */
function dms(value: number): string {
  const deg = Math.floor(value);
  const minFloat = (value - deg) * 60;
  const min = Math.floor(minFloat);
  const centisec = Math.round((minFloat - min) * 60 * 100);
  return `${deg}/1 ${min}/1 ${centisec}/100`;
}
