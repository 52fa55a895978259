import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { swipeOf, type Swipe } from './swipe';

export interface Zoom {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 1;
const MAX_SCALE = 8;
const STEP = 1.5;
const IDENTITY: Zoom = { scale: 1, x: 0, y: 0 };

/**
 * Zoom and pan of the viewer's stage: wheel (around the pointer), pinch (two pointers), drag to
 * pan once zoomed, double-click to toggle, and zoomIn / zoomOut / reset for the keys.
 * Unzoomed, a one-finger swipe is reported to `onSwipe` (phones have no arrow keys).
 * Back to fit whenever `resetKey` (the asset) changes.
 */
export function useZoom(stage: RefObject<HTMLElement | null>, resetKey: string, onSwipe?: (swipe: Exclude<Swipe, null>) => void) {
  const [zoom, setZoom] = useState<Zoom>(IDENTITY);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ distance: number; scale: number } | null>(null);
  /** Where a one-pointer gesture on the unzoomed stage began; dropped once a second pointer joins. */
  const swipeStart = useRef<{ id: number; x: number; y: number } | null>(null);

  useEffect(() => setZoom(IDENTITY), [resetKey]);

  /** Scales by `factor` keeping the stage point under (cx, cy) — client coordinates — in place. */
  const zoomAt = useCallback(
    (factor: number, cx?: number, cy?: number) => {
      const rect = stage.current?.getBoundingClientRect();
      setZoom((z) => {
        const scale = clamp(z.scale * factor, MIN_SCALE, MAX_SCALE);
        if (scale === MIN_SCALE) return IDENTITY;
        if (!rect) return { ...z, scale };
        // Offsets are from the stage's centre.
        const px = (cx ?? rect.left + rect.width / 2) - (rect.left + rect.width / 2);
        const py = (cy ?? rect.top + rect.height / 2) - (rect.top + rect.height / 2);
        const ratio = scale / z.scale;
        return { scale, x: px - (px - z.x) * ratio, y: py - (py - z.y) * ratio };
      });
    },
    [stage],
  );

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    // Not a React onWheel: that listener is passive and cannot stop the page from scrolling.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      zoomAt(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.002)), e.clientX, e.clientY);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [stage, zoomAt]);

  const onPointerDown = (e: ReactPointerEvent) => {
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    swipeStart.current = pointers.current.size === 1 && zoom.scale === 1 && e.pointerType !== 'mouse' ? { id: e.pointerId, x: e.clientX, y: e.clientY } : null;
    if (pointers.current.size === 2) pinch.current = { distance: spread(pointers.current), scale: zoom.scale };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    const last = pointers.current.get(e.pointerId);
    if (!last) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2 && pinch.current) {
      const [a, b] = [...pointers.current.values()];
      const target = (pinch.current.scale * spread(pointers.current)) / pinch.current.distance;
      zoomAt(target / zoom.scale, (a.x + b.x) / 2, (a.y + b.y) / 2);
    } else if (zoom.scale > 1) {
      setZoom((z) => ({ ...z, x: z.x + e.clientX - last.x, y: z.y + e.clientY - last.y }));
    }
  };
  const onPointerUp = (e: ReactPointerEvent) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
    const start = swipeStart.current;
    swipeStart.current = null;
    if (start?.id !== e.pointerId || e.type === 'pointercancel' || !onSwipe) return;
    const swipe = swipeOf(e.clientX - start.x, e.clientY - start.y);
    if (swipe) onSwipe(swipe);
  };

  return {
    zoom,
    zoomIn: () => zoomAt(STEP),
    zoomOut: () => zoomAt(1 / STEP),
    reset: () => setZoom(IDENTITY),
    handlers: {
      onPointerDown,
      onPointerMove,
      onPointerUp,
      onPointerCancel: onPointerUp,
      onDoubleClick: (e: { clientX: number; clientY: number }) => (zoom.scale > 1 ? setZoom(IDENTITY) : zoomAt(2.5, e.clientX, e.clientY)),
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function spread(points: Map<number, { x: number; y: number }>): number {
  const [a, b] = [...points.values()];
  return Math.hypot(a.x - b.x, a.y - b.y) || 1;
}
