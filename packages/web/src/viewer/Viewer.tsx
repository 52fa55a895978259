import { ROUTES, type Asset, type AssetInfo } from '@skyroll/protocol';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError } from '../api';
import { errorMessage } from '../api-errors';
import { useLiveEvents } from '../live/events';
import { AddToAlbumDialog } from '../assets/AddToAlbumDialog';
import { moveToTrash, restoreFromTrash, setMetadata } from '../assets/asset-actions';
import { getActiveTimeline, subscribeActiveTimeline } from '../timeline/active-timeline';
import type { TimelineSnapshot } from '../timeline/timeline-store';
import { isDialogOpen } from '../ui/dialog';
import {
  AlbumIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  CloseIcon,
  DownloadIcon,
  EyeIcon,
  HeartIcon,
  HiddenIcon,
  InfoIcon,
  MinusIcon,
  PlusIcon,
  TrashIcon,
} from '../ui/icons';
import { useToast } from '../ui/toast';
import { InfoPanel } from './InfoPanel';
import { ViewerMedia, type ViewerMediaHandle } from './ViewerMedia';
import { closeViewer, showInViewer, viewerAssetId, viewerUnmounted } from './viewer-navigation';
import './viewer.css';

const EMPTY: TimelineSnapshot = { buckets: null, total: 0, error: null };

/**
 * One asset full screen, over the timeline it was opened from: ←/→ step through that timeline,
 * Esc (or Back) returns to it where it was. Favorite, hide, delete, download, add to album, info.
 */
export function Viewer({ id, background }: { id: string; background: string }) {
  const [, navigate] = useLocation();
  const toast = useToast();
  const [info, setInfo] = useState<AssetInfo | null>(null);
  const [asset, setAsset] = useState<Asset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showInfo, setShowInfo] = useState(() => localStorage.getItem('skyroll.viewer.info') === 'open');
  const [picking, setPicking] = useState(false);
  const media = useRef<ViewerMediaHandle | null>(null);
  /** Bumped when this asset's thumbnail and preview were made or given up on: its info is read again. */
  const [mediaChanges, setMediaChanges] = useState(0);
  useLiveEvents('media', (data) => {
    const ids = (data as { assetIds?: unknown }).assetIds;
    if (!Array.isArray(ids) || ids.includes(id)) setMediaChanges((n) => n + 1);
  });

  // The timeline underneath, and its data (so neighbours appear as their months load).
  const store = useSyncExternalStore(subscribeActiveTimeline, getActiveTimeline);
  useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? (() => EMPTY));

  useEffect(() => viewerUnmounted, []);
  useEffect(() => {
    document.body.classList.add('viewer-open');
    return () => document.body.classList.remove('viewer-open');
  }, []);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    // Read again for the same asset (its media changed): what is shown stays until the answer.
    setInfo((current) => (current?.asset.id === id ? current : null));
    setAsset((current) => (current?.id === id ? current : null));
    api<AssetInfo>('GET', ROUTES.assetInfo(id))
      .catch(async (err: unknown) => {
        // Without the info route, the asset alone still shows.
        if (err instanceof ApiError && err.status === 404) {
          const plain = await api<Asset>('GET', ROUTES.asset(id));
          return { asset: plain, fileName: plain.path.split('/').pop() ?? plain.path, camera: null, exposure: null, location: null, derivatives: [] };
        }
        throw err;
      })
      .then(
        (loaded) => {
          if (cancelled) return;
          setInfo(loaded);
          setAsset(loaded.asset);
          store?.ensureLoaded(loaded.asset.takenAt ?? loaded.asset.createdAt);
        },
        (err: unknown) => !cancelled && setError(err instanceof ApiError && err.status === 404 ? 'This photo is no longer in your library.' : errorMessage(err)),
      );
    return () => {
      cancelled = true;
    };
  }, [id, store, mediaChanges]);

  const previous = store?.adjacent(id, -1) ?? null;
  const next = store?.adjacent(id, 1) ?? null;
  const close = useCallback(() => closeViewer(navigate, background), [navigate, background]);
  const go = useCallback(
    (target: typeof next) => {
      if (target && target !== 'loading') showInViewer(navigate, target.id);
    },
    [navigate],
  );

  // Neighbours' previews load in the background, so stepping is instant.
  useEffect(() => {
    for (const n of [previous, next]) if (n && n !== 'loading' && n.type === 'photo') new Image().src = ROUTES.preview(n.id);
  }, [previous, next]);

  /** After the asset leaves this timeline (trashed, hidden): the next one, or back to the timeline. */
  const leave = () => {
    const target = next && next !== 'loading' ? next : previous && previous !== 'loading' ? previous : null;
    store?.removeAssets([id]);
    // Closed (or moved on) while the request ran: stay where the user went, never reopen.
    if (viewerAssetId(window.location.pathname) !== id) return;
    if (target) showInViewer(navigate, target.id);
    else close();
  };

  const toggleFavorite = async () => {
    if (!asset) return;
    const favorite = !asset.favorite;
    setAsset({ ...asset, favorite });
    store?.patchAssets([id], { favorite });
    try {
      const [updated] = await setMetadata([id], { favorite });
      if (updated?.id === id) setAsset(updated);
    } catch (err) {
      setAsset({ ...asset, favorite: !favorite });
      store?.patchAssets([id], { favorite: !favorite });
      toast.error(errorMessage(err));
    }
  };

  const toggleHidden = async () => {
    if (!asset) return;
    const hidden = !asset.hidden;
    try {
      await setMetadata([id], { hidden });
      toast.info(hidden ? 'Hidden: find it in Hidden' : 'Back in Photos');
      // The timeline underneath shows only one of hidden / not hidden.
      if (store && (store.filter.hidden === true) !== hidden) leave();
      else setAsset({ ...asset, hidden });
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const remove = async () => {
    try {
      await moveToTrash([id]);
      toast.info('Moved to Recently Deleted', { label: 'Undo', run: () => void restoreFromTrash([id]).catch((err: unknown) => toast.error(errorMessage(err))) });
      leave();
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const toggleInfo = () =>
    setShowInfo((open) => {
      localStorage.setItem('skyroll.viewer.info', open ? 'closed' : 'open');
      return !open;
    });

  // The latest handlers for the one key listener.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (isDialogOpen() || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.metaKey || e.ctrlKey || e.altKey) return;
    const action: Record<string, () => void> = {
      ArrowLeft: () => go(previous),
      ArrowRight: () => go(next),
      Escape: close,
      '+': () => media.current?.zoomIn(),
      '=': () => media.current?.zoomIn(),
      '-': () => media.current?.zoomOut(),
      '0': () => media.current?.reset(),
      i: toggleInfo,
    };
    const run = action[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="viewer" data-testid="viewer" data-asset-id={id} role="dialog" aria-modal="true" aria-label="Photo viewer">
      <div className="viewer-main">
        <header className="viewer-toolbar">
          <button type="button" className="icon-button" data-testid="viewer-close" aria-label="Close" title="Close (Esc)" onClick={close}>
            <CloseIcon />
          </button>
          <div className="viewer-title">{info ? <span title={info.asset.path}>{info.fileName}</span> : null}</div>
          <div className="viewer-actions">
            {asset?.type === 'photo' && (
              <>
                <button type="button" className="icon-button wide-only" aria-label="Zoom out" title="Zoom out (−)" onClick={() => media.current?.zoomOut()}>
                  <MinusIcon />
                </button>
                <button type="button" className="icon-button wide-only" aria-label="Zoom in" title="Zoom in (+)" onClick={() => media.current?.zoomIn()}>
                  <PlusIcon />
                </button>
              </>
            )}
            <button
              type="button"
              className={asset?.favorite ? 'icon-button active favorite' : 'icon-button'}
              data-testid="favorite-toggle"
              aria-pressed={asset?.favorite ? 'true' : 'false'}
              aria-label={asset?.favorite ? 'Unfavorite' : 'Favorite'}
              title="Favorite"
              disabled={!asset}
              onClick={() => void toggleFavorite()}
            >
              <HeartIcon filled={asset?.favorite} />
            </button>
            <button
              type="button"
              className="icon-button"
              data-testid="hide-toggle"
              aria-pressed={asset?.hidden ? 'true' : 'false'}
              aria-label={asset?.hidden ? 'Unhide' : 'Hide'}
              title={asset?.hidden ? 'Unhide' : 'Hide'}
              disabled={!asset}
              onClick={() => void toggleHidden()}
            >
              {asset?.hidden ? <EyeIcon /> : <HiddenIcon />}
            </button>
            <button type="button" className="icon-button" data-testid="add-to-album" aria-label="Add to album" title="Add to album" disabled={!asset} onClick={() => setPicking(true)}>
              <AlbumIcon />
            </button>
            <a className="icon-button" data-testid="download" href={ROUTES.original(id)} download={info?.fileName ?? ''} aria-label="Download original" title="Download original">
              <DownloadIcon />
            </a>
            <button
              type="button"
              className={showInfo ? 'icon-button active' : 'icon-button'}
              data-testid="info-toggle"
              aria-pressed={showInfo}
              aria-label="Info"
              title="Info (i)"
              onClick={toggleInfo}
            >
              <InfoIcon />
            </button>
            <button type="button" className="icon-button" data-testid="delete" aria-label="Delete" title="Move to Recently Deleted" disabled={!asset} onClick={() => void remove()}>
              <TrashIcon />
            </button>
          </div>
        </header>
        <div className={asset?.type === 'video' ? 'viewer-body video' : 'viewer-body'}>
          {error ? (
            <div className="viewer-message" role="alert">
              {error}
            </div>
          ) : asset ? (
            <ViewerMedia asset={asset} controls={(handle) => (media.current = handle)} onSwipe={(swipe) => (swipe === 'close' ? close() : go(swipe === 'next' ? next : previous))} />
          ) : (
            <div className="viewer-message" aria-busy="true" />
          )}
          {previous && (
            <button type="button" className="viewer-nav prev" aria-label="Previous" data-testid="viewer-prev" disabled={previous === 'loading'} onClick={() => go(previous)}>
              <ChevronLeftIcon />
            </button>
          )}
          {next && (
            <button type="button" className="viewer-nav next" aria-label="Next" data-testid="viewer-next" disabled={next === 'loading'} onClick={() => go(next)}>
              <ChevronRightIcon />
            </button>
          )}
        </div>
      </div>
      {showInfo && <InfoPanel info={info} />}
      {picking && asset && (
        <AddToAlbumDialog
          assetIds={[asset.id]}
          onCancel={() => setPicking(false)}
          onDone={(album) => {
            setPicking(false);
            toast.info(`Added to ${album.name}`);
          }}
        />
      )}
    </div>
  );
}

function noSubscribe(): () => void {
  return () => {};
}
