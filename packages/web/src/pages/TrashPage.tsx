import { ROUTES, type Asset, type PurgeResponse, type ServerInfo, type StorageDetails } from '@skyroll/protocol';
import { useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api';
import { errorMessage } from '../api-errors';
import type { AssetsResponse } from '../api-types';
import { restoreFromTrash } from '../assets/asset-actions';
import { ActionDialog } from '../components/ActionDialog';
import { AssetThumb } from '../components/AssetThumb';
import { daysLeft, daysLeftText, itemCount, plural, TRASH_RETENTION_DAYS } from '../components/format';
import { useResource } from '../components/useResource';
import { Page } from '../layout/Page';
import { useLiveEvents } from '../live/events';
import { formatBytes } from '../ui/format';
import './TrashPage.css';

interface TrashView {
  assets: Asset[];
  /** Bytes the trash holds in the quota (each original once), from the storage breakdown. */
  trashBytes: number;
  /** Days the server keeps an item here before it purges it. */
  retentionDays: number;
}

/** The server accepts this many ids per restore request. */
const RESTORE_BATCH = 1000;

type Confirming = { kind: 'purge'; asset: Asset } | { kind: 'empty' } | null;

/**
 * Recently Deleted: what was deleted on any device, kept for the server's retention period (and
 * counted in the storage plan) before it is deleted for good. Restore brings an item back on every device.
 */
export function TrashPage() {
  const trash = useResource(loadTrash);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  useLiveEvents('journal', trash.reload);
  useLiveEvents('account', trash.reload);

  const assets = trash.data?.assets ?? [];
  const now = Date.now();
  const retentionDays = trash.data?.retentionDays ?? TRASH_RETENTION_DAYS;

  /** Runs an action on some items: they wait meanwhile, leave the list once it succeeded; throws its error. */
  async function act(ids: string[], action: () => Promise<unknown>): Promise<void> {
    setBusy((b) => new Set([...b, ...ids]));
    setError(null);
    try {
      await action();
      trash.update((view) => ({ ...view, assets: view.assets.filter((a) => !ids.includes(a.id)) }));
    } finally {
      setBusy((b) => new Set([...b].filter((id) => !ids.includes(id))));
      trash.reload();
    }
  }

  const restore = (ids: string[]) =>
    act(ids, async () => {
      for (let i = 0; i < ids.length; i += RESTORE_BATCH) await restoreFromTrash(ids.slice(i, i + RESTORE_BATCH));
    }).catch((err: unknown) => setError(errorMessage(err)));

  const summary = trash.data && (
    <>
      {itemCount(assets.length)} ·{' '}
      <span data-testid="trash-bytes" data-bytes={trash.data.trashBytes}>
        {formatBytes(trash.data.trashBytes)}
      </span>
    </>
  );
  return (
    <Page
      title="Recently Deleted"
      subtitle={summary}
      actions={
        <>
          {assets.length > 0 && (
            <button type="button" className="button" onClick={() => void restore(assets.map((a) => a.id))} disabled={busy.size > 0}>
              Restore all
            </button>
          )}
          <button type="button" data-testid="empty-trash" className="button danger" disabled={assets.length === 0} onClick={() => setConfirming({ kind: 'empty' })}>
            Empty
          </button>
        </>
      }
    >
      <p className="trash-explainer muted">
        Photos and videos deleted on any device stay here for {plural(retentionDays, 'day')}, then they are deleted for good. Until then they count toward
        your <Link href="/storage">storage</Link>.
      </p>

      {(error ?? trash.error) && (
        <p role="alert" className="form-error">
          {error ?? trash.error}
        </p>
      )}

      {trash.data && assets.length === 0 && (
        <div data-testid="trash-empty" className="empty-state">
          <strong>No recently deleted items</strong>
          <span>What you delete on any device waits here for {plural(retentionDays, 'day')}.</span>
        </div>
      )}

      <ul className="trash-grid">
        {assets.map((asset) => {
          const days = daysLeft(asset.trashedAt ?? now, now, retentionDays);
          const waiting = busy.has(asset.id);
          return (
            <li key={asset.id} className="trash-item" data-testid="trash-item" data-asset-id={asset.id} aria-busy={waiting}>
              <AssetThumb id={asset.id} thumbhash={asset.thumbhash} media={asset.media} type={asset.type} durationMs={asset.durationMs} alt={fileName(asset.path)} />
              <div className="trash-item-meta">
                <span data-testid="days-left" className={days <= 3 ? 'trash-days-soon' : undefined} title="Days before it is deleted for good">
                  {daysLeftText(days)}
                </span>
                <span className="muted">{formatBytes(asset.size)}</span>
              </div>
              <div className="trash-item-actions">
                <button type="button" data-testid="restore" className="button" disabled={waiting} onClick={() => void restore([asset.id])}>
                  Restore
                </button>
                <button type="button" data-testid="delete-now" className="button danger" disabled={waiting} onClick={() => setConfirming({ kind: 'purge', asset })}>
                  Delete
                </button>
              </div>
            </li>
          );
        })}
      </ul>

      {confirming?.kind === 'purge' && (
        <ActionDialog
          title="Delete for good?"
          confirmLabel="Delete"
          danger
          onConfirm={() => act([confirming.asset.id], () => purge([confirming.asset.id]))}
          onClose={() => setConfirming(null)}
        >
          {fileName(confirming.asset.path)} will be deleted from every device and from the cloud. This cannot be undone.
        </ActionDialog>
      )}
      {confirming?.kind === 'empty' && (
        <ActionDialog
          title="Empty Recently Deleted?"
          confirmLabel={`Delete ${itemCount(assets.length)}`}
          danger
          onConfirm={() => act(assets.map((a) => a.id), () => api<PurgeResponse>('POST', ROUTES.trashEmpty))}
          onClose={() => setConfirming(null)}
        >
          Everything here will be deleted from every device and from the cloud, freeing {formatBytes(trash.data?.trashBytes ?? 0)}. This cannot be undone.
        </ActionDialog>
      )}
    </Page>
  );
}

async function loadTrash(): Promise<TrashView> {
  const [{ assets }, storage, info] = await Promise.all([
    api<AssetsResponse>('GET', ROUTES.trashList),
    api<StorageDetails>('GET', ROUTES.storage).catch(() => null),
    api<ServerInfo>('GET', ROUTES.info).catch(() => null),
  ]);
  // Most recently deleted first, as the deletions happened.
  const sorted = [...assets].sort((a, b) => (b.trashedAt ?? 0) - (a.trashedAt ?? 0));
  return {
    assets: sorted,
    trashBytes: storage?.breakdown.trash ?? assets.reduce((sum, a) => sum + a.size, 0),
    retentionDays: info?.trashRetentionDays ?? TRASH_RETENTION_DAYS,
  };
}

function purge(ids: string[]): Promise<PurgeResponse> {
  return api<PurgeResponse>('POST', ROUTES.trashPurge, { assetIds: ids });
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || 'This item';
}
