import { ROUTES, type MediaState } from '@skyroll/protocol';
import { useEffect, useState } from 'react';
import { useLiveConnected } from '../live/events';
import { thumbhashUrl } from './thumbhash-url';

/** While the event stream is down, a thumbnail still being made is asked for this often. */
const FALLBACK_POLL_MS = 20_000;
/** A made thumbnail that fails to load (a dropped connection) is tried again this many times. */
const LOAD_RETRIES = 2;
const LOAD_RETRY_MS = 3_000;

/**
 * The thumbhash placeholder, then the WebP thumbnail once it loads. A thumbnail still being made
 * is not asked for: the timeline hears when it is (`event: media`) and the tile loads it at once;
 * only while the event stream is down does it look now and then. One that could not be made
 * says so instead of being asked for again.
 */
export function Thumbnail({ assetId, thumbhash, media }: { assetId: string; thumbhash: string | null; media: MediaState }) {
  const connected = useLiveConnected();
  /** A fallback look found it made before any poke said so. */
  const [found, setFound] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [loadFailed, setLoadFailed] = useState(false);
  const [reloads, setReloads] = useState(0);
  const src = ROUTES.thumbnail(assetId);
  const ready = media === 'ready' || thumbhash !== null || found;
  const cantShow = media === 'failed' || (loadFailed && reloads >= LOAD_RETRIES);

  useEffect(() => {
    if (ready || media !== 'pending' || connected) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let probe: HTMLImageElement | undefined;
    const look = () => {
      probe = new Image();
      probe.onload = () => setFound(true);
      probe.onerror = () => (timer = setTimeout(look, FALLBACK_POLL_MS));
      probe.src = src;
    };
    timer = setTimeout(look, FALLBACK_POLL_MS);
    return () => {
      clearTimeout(timer);
      if (probe) {
        probe.onload = probe.onerror = null;
        probe.src = '';
      }
    };
  }, [ready, media, connected, src]);

  useEffect(() => {
    if (!loadFailed || reloads >= LOAD_RETRIES) return;
    const timer = setTimeout(() => {
      setLoadFailed(false);
      setReloads((n) => n + 1);
    }, LOAD_RETRY_MS);
    return () => clearTimeout(timer);
  }, [loadFailed, reloads]);

  const placeholder = thumbhash ? thumbhashUrl(thumbhash) : undefined;
  return (
    <div className="thumb" style={placeholder ? { backgroundImage: `url(${placeholder})` } : undefined}>
      {ready && !cantShow && !loadFailed && (
        <img
          key={reloads}
          data-testid="thumbnail"
          className={loaded ? 'thumb-img loaded' : 'thumb-img'}
          src={src}
          alt=""
          decoding="async"
          draggable={false}
          onLoad={() => setLoaded(true)}
          onError={() => {
            setLoaded(false);
            setLoadFailed(true);
          }}
        />
      )}
      {cantShow && (
        <span className="thumb-note" data-testid="thumbnail-unavailable">
          Can’t show
        </span>
      )}
    </div>
  );
}
