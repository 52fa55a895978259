import { ROUTES } from '@skyroll/protocol';
import { useMemo, useState } from 'react';
import { thumbhashUrl } from '../timeline/thumbhash-url';
import { formatDuration } from '../ui/format';
import './AssetThumb.css';

export interface AssetThumbProps {
  id: string;
  /** Base64 thumbhash: a blurred placeholder shown until the thumbnail loads (or when it cannot). */
  thumbhash: string | null;
  media: 'pending' | 'ready' | 'failed';
  type: 'photo' | 'video';
  durationMs: number | null;
  alt: string;
}

/** A square thumbnail of one asset (Recently Deleted), over its thumbhash placeholder. */
export function AssetThumb({ id, thumbhash, media, type, durationMs, alt }: AssetThumbProps) {
  const [failed, setFailed] = useState(false);
  const placeholder = useMemo(() => (thumbhash ? thumbhashUrl(thumbhash) : undefined), [thumbhash]);
  return (
    <div className="asset-thumb" style={placeholder ? { backgroundImage: `url(${placeholder})` } : undefined}>
      {media === 'ready' && !failed && (
        <img data-testid="thumbnail" src={ROUTES.thumbnail(id)} alt={alt} loading="lazy" decoding="async" onError={() => setFailed(true)} />
      )}
      {media === 'failed' && <span className="asset-thumb-note">No preview</span>}
      {type === 'video' && <span className="asset-thumb-duration">{durationMs === null ? 'Video' : formatDuration(durationMs)}</span>}
    </div>
  );
}
