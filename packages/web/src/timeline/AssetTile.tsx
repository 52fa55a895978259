import type { TimelineAsset } from '@skyroll/protocol';
import { memo, useRef } from 'react';
import { formatDuration } from '../ui/format';
import { CheckIcon, HeartIcon, PlayIcon } from '../ui/icons';
import { Thumbnail } from './Thumbnail';

const LONG_PRESS_MS = 450;
/** A finger never holds perfectly still: a long press survives this much movement (CSS px). */
const LONG_PRESS_SLOP = 10;

export interface AssetTileProps {
  asset: TimelineAsset;
  left: number;
  width: number;
  height: number;
  selected: boolean;
  /** Something is selected: a click selects instead of opening. */
  selecting: boolean;
  onOpen: (id: string) => void;
  onToggleSelect: (id: string, range: boolean) => void;
}

/** One photo or video in the grid: its thumbnail, a heart when favorite, a video's length, a select check. */
export const AssetTile = memo(function AssetTile({ asset, left, width, height, selected, selecting, onOpen, onToggleSelect }: AssetTileProps) {
  const pressTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const longPressed = useRef(false);
  const pressStart = useRef({ x: 0, y: 0 });

  return (
    <div
      className={`tile${selected ? ' selected' : ''}${selecting ? ' selecting' : ''}`}
      style={{ left, width, height }}
      data-testid="asset-tile"
      data-asset-id={asset.id}
      data-favorite={String(asset.favorite)}
      role="button"
      tabIndex={0}
      aria-label={`${asset.type === 'video' ? 'Video' : 'Photo'}, ${new Date(asset.sortAt).toLocaleString()}`}
      aria-pressed={selecting ? selected : undefined}
      onClick={(e) => {
        if (longPressed.current) {
          longPressed.current = false;
          return;
        }
        if (selecting || e.shiftKey || e.metaKey || e.ctrlKey) onToggleSelect(asset.id, e.shiftKey);
        else onOpen(asset.id);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(asset.id);
        if (e.key === ' ') {
          e.preventDefault();
          onToggleSelect(asset.id, e.shiftKey);
        }
      }}
      onPointerDown={(e) => {
        if (e.pointerType !== 'touch') return;
        longPressed.current = false;
        pressStart.current = { x: e.clientX, y: e.clientY };
        pressTimer.current = setTimeout(() => {
          longPressed.current = true;
          onToggleSelect(asset.id, false);
        }, LONG_PRESS_MS);
      }}
      onPointerUp={() => clearTimeout(pressTimer.current)}
      onPointerMove={(e) => {
        if (Math.hypot(e.clientX - pressStart.current.x, e.clientY - pressStart.current.y) > LONG_PRESS_SLOP) clearTimeout(pressTimer.current);
      }}
      onPointerCancel={() => clearTimeout(pressTimer.current)}
      onContextMenu={(e) => {
        if (longPressed.current) e.preventDefault();
      }}
    >
      <Thumbnail assetId={asset.id} thumbhash={asset.thumbhash} media={asset.media} />
      {asset.type === 'video' && (
        <span className="tile-badge tile-duration">
          <PlayIcon />
          {asset.durationMs !== null && formatDuration(asset.durationMs)}
        </span>
      )}
      {asset.favorite && (
        <span className="tile-badge tile-favorite" aria-label="Favorite">
          <HeartIcon filled />
        </span>
      )}
      <button
        type="button"
        className="tile-check"
        aria-label={selected ? 'Deselect' : 'Select'}
        data-testid="select-toggle"
        onClick={(e) => {
          e.stopPropagation();
          onToggleSelect(asset.id, e.shiftKey);
        }}
      >
        <CheckIcon />
      </button>
    </div>
  );
});
