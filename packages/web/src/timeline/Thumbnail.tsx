import { ROUTES } from '@skyroll/protocol';
import { useEffect, useState } from 'react';
import { thumbhashUrl } from './thumbhash-url';

/** How long to wait before asking again for a thumbnail still being made (the server makes it after the upload). */
const RETRY_DELAYS_MS = [1_000, 2_000, 3_000, 5_000, 8_000, 13_000, 21_000, 34_000, 60_000];

/**
 * The thumbhash placeholder, then the WebP thumbnail once it loads. An asset without a thumbhash
 * has no thumbnail yet (or its media failed): it is asked for again, less and less often, while
 * the tile is on screen, since no event announces a finished thumbnail.
 */
export function Thumbnail({ assetId, thumbhash }: { assetId: string; thumbhash: string | null }) {
  const [ready, setReady] = useState(thumbhash !== null);
  const [loaded, setLoaded] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const src = ROUTES.thumbnail(assetId);

  useEffect(() => {
    if (thumbhash !== null) setReady(true);
  }, [thumbhash]);

  useEffect(() => {
    if (ready || attempt >= RETRY_DELAYS_MS.length) return;
    let cancelled = false;
    const probe = new Image();
    probe.onload = () => !cancelled && setReady(true);
    probe.onerror = () => {
      if (cancelled) return;
      timer = setTimeout(() => setAttempt((n) => n + 1), RETRY_DELAYS_MS[attempt]);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    probe.src = src;
    return () => {
      cancelled = true;
      clearTimeout(timer);
      probe.src = '';
    };
  }, [ready, attempt, src]);

  const placeholder = thumbhash ? thumbhashUrl(thumbhash) : undefined;
  return (
    <div className="thumb" style={placeholder ? { backgroundImage: `url(${placeholder})` } : undefined}>
      {ready && (
        <img
          data-testid="thumbnail"
          className={loaded ? 'thumb-img loaded' : 'thumb-img'}
          src={src}
          alt=""
          decoding="async"
          draggable={false}
          onLoad={() => setLoaded(true)}
          onError={() => {
            setReady(false);
            setLoaded(false);
          }}
        />
      )}
    </div>
  );
}
