/** HEIF containers (iPhone photos): the prebuilt libvips cannot decode them; libheif (WebAssembly) does. */
const HEIF = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/**
 * Camera RAW, as file-type or ExifTool name them. Their pixels need demosaicing; what is shown is
 * the full-size JPEG preview the camera (or converter) embedded.
 */
const RAW = new Set([
  'image/x-adobe-dng',
  'image/x-canon-cr2',
  'image/x-canon-cr3',
  'image/x-canon-crw',
  'image/x-nikon-nef',
  'image/x-nikon-nrw',
  'image/x-sony-arw',
  'image/x-sony-sr2',
  'image/x-sony-srf',
  'image/x-olympus-orf',
  'image/x-panasonic-rw2',
  'image/x-panasonic-raw',
  'image/x-fujifilm-raf',
  'image/x-pentax-pef',
  'image/x-samsung-srw',
  'image/x-leica-rwl',
  'image/x-sigma-x3f',
  'image/x-hasselblad-3fr',
  'image/x-phaseone-iiq',
  'image/x-minolta-mrw',
  'image/x-kodak-dcr',
  'image/x-epson-erf',
]);

export function isHeif(mime: string): boolean {
  return HEIF.has(mime);
}

export function isRaw(mime: string): boolean {
  return RAW.has(mime);
}
