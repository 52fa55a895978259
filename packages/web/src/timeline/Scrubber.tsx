import { useMemo, useRef, useState } from 'react';
import { monthLabel, type TimelineItem } from './timeline-layout';

const MIN_LABEL_GAP_PX = 16;

interface Marker {
  bucket: string;
  top: number;
}

/**
 * The strip on the right: the years of the library at their places in the scroll, and a drag
 * (or click) that jumps anywhere at once, with the month under the pointer shown beside it.
 */
export function Scrubber({ items, height, viewportHeight, onScrollTo }: { items: TimelineItem[]; height: number; viewportHeight: number; onScrollTo: (top: number) => void }) {
  const strip = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ y: number; label: string } | null>(null);
  const dragging = useRef(false);

  const months = useMemo<Marker[]>(() => items.filter((i) => i.kind === 'month').map((i) => ({ bucket: i.bucket, top: i.top })), [items]);
  const years = useMemo(() => {
    const seen = new Set<string>();
    return months.filter((m) => {
      const year = m.bucket.slice(0, 4);
      if (seen.has(year)) return false;
      seen.add(year);
      return true;
    });
  }, [months]);

  if (height <= viewportHeight * 1.5 || months.length < 2) return null;
  const scale = (top: number, stripHeight: number) => (top / height) * stripHeight;

  const at = (clientY: number) => {
    const rect = strip.current!.getBoundingClientRect();
    const y = Math.min(rect.height, Math.max(0, clientY - rect.top));
    const top = (y / rect.height) * height;
    let month = months[0];
    for (const m of months) if (m.top <= top) month = m;
    return { y, top, month };
  };
  const move = (clientY: number, jump: boolean) => {
    const { y, top, month } = at(clientY);
    setHover({ y, label: monthLabel(month.bucket) });
    if (jump) onScrollTo(top);
  };

  const stripHeight = strip.current?.clientHeight ?? viewportHeight;
  // Years too close to the one above (a library starting in January) are left unlabelled.
  let lastLabel = -Infinity;
  const labels = years.filter((m) => {
    const y = scale(m.top, stripHeight);
    if (y - lastLabel < MIN_LABEL_GAP_PX) return false;
    lastLabel = y;
    return true;
  });
  return (
    <div
      ref={strip}
      className="scrubber"
      data-testid="scrubber"
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        move(e.clientY, true);
      }}
      onPointerMove={(e) => move(e.clientY, dragging.current)}
      onPointerUp={() => (dragging.current = false)}
      onPointerLeave={() => !dragging.current && setHover(null)}
      onLostPointerCapture={() => {
        dragging.current = false;
        setHover(null);
      }}
    >
      {labels.map((m) => (
        <span key={m.bucket} className="scrubber-year" style={{ top: scale(m.top, stripHeight) }}>
          {m.bucket.slice(0, 4)}
        </span>
      ))}
      {hover && (
        <span className="scrubber-bubble" style={{ top: hover.y }}>
          {hover.label}
        </span>
      )}
    </div>
  );
}
