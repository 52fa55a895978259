import { ROUTES, type Asset } from '@skyroll/protocol';
import { useEffect, useRef, useState } from 'react';
import type { Swipe } from './swipe';
import { useZoom } from './use-zoom';

/** Originals a browser shows by itself; others (HEIC, RAW) are seen through their preview only. */
const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

export interface ViewerMediaHandle {
  zoomIn(): void;
  zoomOut(): void;
  reset(): void;
}

/**
 * The photo (its preview; the original once zoomed in, for the detail) or the video (the
 * original, streamed with Range requests, its preview as the poster).
 */
export function ViewerMedia({
  asset,
  controls,
  onSwipe,
}: {
  asset: Asset;
  controls: (handle: ViewerMediaHandle) => void;
  onSwipe?: (swipe: Exclude<Swipe, null>) => void;
}) {
  const stage = useRef<HTMLDivElement>(null);
  const { zoom, zoomIn, zoomOut, reset, handlers } = useZoom(stage, asset.id, onSwipe);
  const [previewFailed, setPreviewFailed] = useState(false);
  const [originalLoaded, setOriginalLoaded] = useState(false);
  const showsOriginal = BROWSER_IMAGES.has(asset.mime);

  useEffect(() => {
    setPreviewFailed(false);
    setOriginalLoaded(false);
  }, [asset.id]);
  useEffect(() => {
    controls({ zoomIn, zoomOut, reset });
  });
  // A preview still being made: asked for again shortly (no event announces it).
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!previewFailed || showsOriginal || asset.media === 'failed') return;
    const timer = setTimeout(() => {
      setPreviewFailed(false);
      setAttempt((n) => n + 1);
    }, 3_000);
    return () => clearTimeout(timer);
  }, [previewFailed, showsOriginal, asset.media]);

  if (asset.type === 'video') {
    // No zoom and no swipes: a horizontal drag on a video is its seek bar (phones get arrows instead).
    return (
      <div className="viewer-stage video" ref={stage}>
        <video
          key={asset.id}
          className="viewer-video"
          data-testid="viewer-video"
          src={ROUTES.original(asset.id)}
          poster={asset.media === 'ready' ? ROUTES.preview(asset.id) : undefined}
          controls
          autoPlay
          playsInline
        />
      </div>
    );
  }

  // Zoomed in past the preview's detail: the original, when the browser can show it.
  const wantOriginal = showsOriginal && (zoom.scale > 1.5 || previewFailed);
  const src = previewFailed && showsOriginal ? ROUTES.original(asset.id) : ROUTES.preview(asset.id);
  const transform = `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`;
  return (
    <div className={zoom.scale > 1 ? 'viewer-stage zoomed' : 'viewer-stage'} ref={stage} {...handlers} data-zoom={zoom.scale.toFixed(2)}>
      {previewFailed && !showsOriginal ? (
        <div className="viewer-message" role="status">
          {asset.media === 'failed'
            ? `This ${asset.type} cannot be shown: ${asset.mediaError ?? 'the file could not be read'}. The original is safe: download it.`
            : 'The preview is being made; it appears in a moment.'}
        </div>
      ) : (
        <div className="viewer-zoom" style={{ transform }}>
          <img
            key={`${asset.id}-preview-${attempt}`}
            className="viewer-image"
            data-testid="viewer-image"
            src={src}
            alt={asset.path}
            draggable={false}
            onError={() => setPreviewFailed(true)}
            style={originalLoaded ? { visibility: 'hidden' } : undefined}
          />
          {wantOriginal && !previewFailed && (
            <img
              key={`${asset.id}-original`}
              className="viewer-image viewer-original"
              src={ROUTES.original(asset.id)}
              alt=""
              draggable={false}
              onLoad={() => setOriginalLoaded(true)}
              style={originalLoaded ? undefined : { visibility: 'hidden' }}
            />
          )}
        </div>
      )}
    </div>
  );
}
