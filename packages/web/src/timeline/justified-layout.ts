/** One placed box of a justified row: which input it is, and where it goes. */
export interface JustifiedBox {
  index: number;
  left: number;
  width: number;
}

export interface JustifiedRow {
  top: number;
  height: number;
  boxes: JustifiedBox[];
}

export interface JustifiedLayout {
  rows: JustifiedRow[];
  height: number;
}

export interface JustifiedOptions {
  containerWidth: number;
  targetRowHeight: number;
  /** Space between boxes and between rows. */
  gap: number;
  /** A row may grow up to this many times the target height before it is cut shorter. */
  maxRowScale?: number;
}

/** Panoramas and slivers are clamped, so one odd photo cannot make a row a thin strip. */
const MIN_ASPECT = 0.4;
const MAX_ASPECT = 3;

/**
 * Lays out boxes of the given aspect ratios (width / height) in rows filling the container's
 * width exactly, each row as close to the target height as the ratios allow (the Flickr / Google
 * Photos layout). Greedy: a row closes when adding one more box would take it further from the
 * target than stopping. The last row stays at the target height, left-aligned, never stretched.
 */
export function justifiedLayout(aspectRatios: readonly number[], options: JustifiedOptions): JustifiedLayout {
  const { containerWidth, targetRowHeight, gap } = options;
  const maxHeight = targetRowHeight * (options.maxRowScale ?? 1.5);
  const ratios = aspectRatios.map(clampAspect);
  const rows: JustifiedRow[] = [];
  let top = 0;
  let start = 0;
  while (start < ratios.length) {
    let sum = 0;
    let end = start;
    let height = targetRowHeight;
    let full = false;
    while (end < ratios.length) {
      const nextSum = sum + ratios[end];
      const nextHeight = rowHeight(containerWidth, gap, end - start + 1, nextSum);
      if (nextHeight <= targetRowHeight && end > start) {
        // Whichever of "with it" and "without it" lands nearer the target.
        const without = rowHeight(containerWidth, gap, end - start, sum);
        if (Math.abs(without - targetRowHeight) <= Math.abs(nextHeight - targetRowHeight)) {
          height = without;
        } else {
          height = nextHeight;
          sum = nextSum;
          end++;
        }
        full = true;
        break;
      }
      sum = nextSum;
      end++;
      if (nextHeight <= targetRowHeight) {
        // A single box wider than the row: it fills the row alone.
        height = nextHeight;
        full = true;
        break;
      }
    }
    if (!full) height = Math.min(targetRowHeight, rowHeight(containerWidth, gap, end - start, sum));
    const capped = height > maxHeight;
    if (capped) height = maxHeight;
    rows.push({ top, height, boxes: placeRow(ratios, start, end, height, gap, full && !capped ? containerWidth : undefined) });
    top += height + gap;
    start = end;
  }
  return { rows, height: rows.length === 0 ? 0 : top - gap };
}

/** A box's aspect ratio from its pixel size; unknown sizes are treated as 4:3. */
export function aspectRatioOf(width: number | null, height: number | null): number {
  if (!width || !height || width <= 0 || height <= 0) return 4 / 3;
  return width / height;
}

function clampAspect(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0) return 1;
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, ratio));
}

/** The height at which `count` boxes with these summed ratios exactly fill the width. */
function rowHeight(containerWidth: number, gap: number, count: number, ratioSum: number): number {
  return (containerWidth - gap * (count - 1)) / ratioSum;
}

/**
 * Widths are rounded to whole pixels, the rounding error carried along, so a full row ends
 * exactly at the container's edge.
 */
function placeRow(ratios: number[], start: number, end: number, height: number, gap: number, fillWidth?: number): JustifiedBox[] {
  const boxes: JustifiedBox[] = [];
  let left = 0;
  let exact = 0;
  for (let i = start; i < end; i++) {
    exact += ratios[i] * height;
    const right = i === end - 1 && fillWidth !== undefined ? fillWidth - (end - 1 - start) * gap : Math.round(exact);
    const consumed = left - (i - start) * gap;
    const width = Math.max(1, right - consumed);
    boxes.push({ index: i, left, width });
    left += width + gap;
  }
  return boxes;
}
