import { ROUTES, type StorageDetails } from '@skyroll/protocol';
import { Link } from 'wouter';
import { api } from '../api';
import { planLabel, STORAGE_CATEGORIES, usageBar, type StorageCategory } from '../components/format';
import { useResource } from '../components/useResource';
import { Page } from '../layout/Page';
import { useLiveEvents } from '../live/events';
import { formatBytes } from '../ui/format';
import './StoragePage.css';

const CATEGORY_LABELS: Record<StorageCategory, string> = {
  photos: 'Photos',
  videos: 'Videos',
  trash: 'Recently Deleted',
  versions: 'Earlier versions',
};

/** Nearly full: the page says so before uploads stop. */
const NEARLY_FULL = 0.9;

/**
 * The account's cloud storage: how much of the plan is used and by what, the plans on offer,
 * what happens when it is full and how to free space. Figures are the server's exact bytes
 * (in `data-bytes`), shown rounded.
 */
export function StoragePage() {
  const storage = useResource(() => api<StorageDetails>('GET', ROUTES.storage));
  useLiveEvents('account', storage.reload);
  // Deleting or restoring moves bytes between categories without changing the total.
  useLiveEvents('journal', storage.reload);

  return (
    <Page title="Storage">
      <div className="storage-page">
        {storage.error && (
          <p role="alert" className="form-error">
            {storage.error}
          </p>
        )}
        {storage.data && <StorageDetailsView storage={storage.data} />}
      </div>
    </Page>
  );
}

function StorageDetailsView({ storage }: { storage: StorageDetails }) {
  const bar = usageBar(storage.breakdown, storage.quotaBytes);
  const free = Math.max(0, storage.quotaBytes - storage.usedBytes);
  const bigger = storage.plans.filter((p) => p.quotaBytes > storage.quotaBytes);
  return (
    <>
      <section className="storage-summary" aria-label="Usage">
        <p className="storage-figures">
          <strong data-testid="storage-used" data-bytes={storage.usedBytes}>
            {formatBytes(storage.usedBytes)}
          </strong>{' '}
          of{' '}
          <span data-testid="storage-quota" data-bytes={storage.quotaBytes}>
            {formatBytes(storage.quotaBytes)}
          </span>{' '}
          used
          <span className="storage-plan-badge">
            Plan: <span data-testid="storage-plan">{planLabel(storage.plan)}</span>
          </span>
        </p>
        <div
          className={`storage-bar${bar.full ? ' storage-bar-full' : ''}`}
          role="img"
          aria-label={`${formatBytes(storage.usedBytes)} of ${formatBytes(storage.quotaBytes)} used`}
        >
          {bar.segments.map((segment) => (
            <span
              key={segment.category}
              className={`storage-segment storage-color-${segment.category}`}
              style={{ width: `${segment.fraction * 100}%` }}
              title={`${CATEGORY_LABELS[segment.category]}: ${formatBytes(segment.bytes)}`}
            />
          ))}
        </div>
        <ul className="storage-legend">
          {STORAGE_CATEGORIES.map((category) => (
            <li key={category} data-testid={`storage-${category}`} data-bytes={storage.breakdown[category]}>
              <span className={`storage-swatch storage-color-${category}`} aria-hidden="true" />
              {category === 'trash' ? <Link href="/trash">{CATEGORY_LABELS[category]}</Link> : CATEGORY_LABELS[category]}
              <span className="storage-legend-bytes">{formatBytes(storage.breakdown[category])}</span>
            </li>
          ))}
          <li>
            <span className="storage-swatch storage-color-free" aria-hidden="true" />
            Available
            <span className="storage-legend-bytes">{formatBytes(free)}</span>
          </li>
        </ul>
        {bar.full ? (
          <p className="storage-warning" role="status">
            Your cloud storage is full. New photos and videos are not uploading; free space or move to a bigger plan.
          </p>
        ) : (
          bar.usedRatio >= NEARLY_FULL && (
            <p className="storage-warning" role="status">
              Your cloud storage is nearly full: {formatBytes(free)} left.
            </p>
          )
        )}
      </section>

      <section className="storage-section">
        <h2>When your storage is full</h2>
        <p>
          New photos and videos stop uploading to the cloud and wait on each device; nothing is deleted, on the devices or in the cloud. Everything
          already in the cloud stays in sync, and edits to favorites, albums and hidden photos keep working. Each device says why it waits on the{' '}
          <Link href="/devices">Devices</Link> page (and in <code>skyroll status</code>); uploads resume by themselves once there is room.
        </p>
      </section>

      <section className="storage-section">
        <h2>Free up space</h2>
        <ul className="storage-tips">
          {storage.breakdown.trash > 0 && (
            <li>
              <strong>Empty Recently Deleted</strong> ({formatBytes(storage.breakdown.trash)}): deleted items count until they are deleted for good,
              after 30 days or when you <Link href="/trash">empty it</Link>.
            </li>
          )}
          {storage.breakdown.versions > 0 && (
            <li>
              <strong>Earlier versions</strong> ({formatBytes(storage.breakdown.versions)}): when a device saves over a photo, its original stays in the
              cloud. Those bytes go when you delete that photo and it leaves Recently Deleted.
            </li>
          )}
          {storage.breakdown.videos > 0 && (
            <li>
              <strong>Delete videos you do not need</strong>: they take {formatBytes(storage.breakdown.videos)}.
            </li>
          )}
          <li>
            <strong>A bigger plan</strong>
            {bigger.length > 0
              ? `: ask the server’s administrator to move you to ${bigger.map((p) => planLabel(p.name)).join(', ')}.`
              : ': ask the server’s administrator for more space.'}
          </li>
        </ul>
      </section>

      {storage.plans.length > 0 && (
        <section className="storage-section">
          <h2>Plans</h2>
          <table className="storage-plans">
            <tbody>
              {storage.plans.map((plan) => {
                const current = plan.name === storage.plan;
                return (
                  <tr key={plan.name} data-plan={plan.name} className={current ? 'storage-plan-current' : undefined}>
                    <th scope="row">{planLabel(plan.name)}</th>
                    <td>{formatBytes(plan.quotaBytes)}</td>
                    <td className="muted">
                      {current ? 'Your plan' : plan.quotaBytes >= storage.usedBytes ? 'Fits your library' : 'Too small for your library'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted">
            Plans are set by the server’s administrator (<code>skyroll admin set-plan</code>).
          </p>
        </section>
      )}

      <section className="storage-section">
        <h2>By device</h2>
        {storage.breakdown.byDevice.length === 0 ? (
          <p className="muted">Nothing uploaded yet.</p>
        ) : (
          <ul className="storage-devices">
            {storage.breakdown.byDevice.map((device) => (
              <li key={device.deviceId} data-testid="storage-device" data-device-id={device.deviceId} data-bytes={device.bytes}>
                <span>{device.name}</span>
                <span className="storage-legend-bytes">{formatBytes(device.bytes)}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted">Originals counted by the device that added them; earlier versions are not included.</p>
      </section>
    </>
  );
}
