import type { Sharp } from 'sharp';

/**
 * Applies an EXIF orientation (1–8) that is not in the decoded image's own metadata: a RAW's
 * orientation lives in the RAW's IFD0, not in its embedded preview. sharp rotates before it
 * mirrors, whatever the call order.
 */
export function orient(image: Sharp, orientation: number | null | undefined): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(90).flop();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(270).flop();
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}

/** Orientations 5–8 turn the image a quarter: its displayed width is the stored height. */
export function swapsAxes(orientation: number | null | undefined): boolean {
  return orientation !== null && orientation !== undefined && orientation >= 5 && orientation <= 8;
}
