/**
 * EXIF dates are wall-clock strings ("2024:05:01 12:34:56"), with the UTC offset in a separate
 * tag (OffsetTimeOriginal) when the camera wrote one. Without an offset the wall clock is read as
 * UTC, so every server turns the same file into the same instant.
 */
export function parseExifDate(value: unknown, offset?: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms ? +ms.padEnd(3, '0') : 0);
  if (Number.isNaN(wall) || +y < 1800) return null;
  return wall - offsetMinutes(offset) * 60_000;
}

function offsetMinutes(offset: unknown): number {
  if (typeof offset !== 'string') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim());
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]);
}
