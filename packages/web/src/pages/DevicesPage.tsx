import { HEARTBEAT_INTERVAL_MS, ROUTES, type Device, type DeviceHealth, type DeviceSettings } from '@skyroll/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { errorMessage } from '../api-errors';
import { ActionDialog } from '../components/ActionDialog';
import { relativeTime } from '../components/format';
import { REASON_TEXT, SETTING_TOGGLES } from '../components/reasons';
import { useResource } from '../components/useResource';
import { Page } from '../layout/Page';
import { useLiveEvents } from '../live/events';
import { useSession } from '../session/SessionProvider';
import { formatBytes } from '../ui/format';
import './DevicesPage.css';

/** Settings changed here whose PATCH has not answered yet: shown over what the server last said. */
type PendingSettings = Record<string, Partial<DeviceSettings>>;

/**
 * Every device of the account: agents with their settings (a change reaches the agent through the
 * server within a second) and their sync health, then browser sessions, then signed-out devices.
 */
export function DevicesPage() {
  const devices = useResource(loadDevices);
  const { state } = useSession();
  // This browser's own device: marked, and signing it out signs this page out.
  const thisDeviceId = state.status === 'signed-in' ? state.me.deviceId : null;
  const [pending, setPending] = useState<PendingSettings>({});
  const [error, setError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState<Device | null>(null);
  // Which change of a setting is the latest: an older PATCH answering late must not clear a newer one.
  const changeSeq = useRef(0);
  const latestChange = useRef(new Map<string, number>());
  // A heartbeat that stops sends no event: reload as often as agents report, so "stale" shows.
  const now = useNow(HEARTBEAT_INTERVAL_MS, devices.reload);
  useLiveEvents('device', devices.reload);
  useLiveEvents('settings', devices.reload);

  async function changeSetting(device: Device, key: keyof DeviceSettings, value: boolean) {
    const slot = `${device.id}/${key}`;
    const seq = ++changeSeq.current;
    latestChange.current.set(slot, seq);
    setError(null);
    setPending((p) => ({ ...p, [device.id]: { ...p[device.id], [key]: value } }));
    try {
      const settings = await api<DeviceSettings>('PATCH', ROUTES.deviceSettings(device.id), { [key]: value });
      devices.update((list) => list.map((d) => (d.id === device.id ? { ...d, settings } : d)));
    } catch (e) {
      setError(`Could not change “${SETTING_TOGGLES.find((t) => t.key === key)?.label ?? key}” on ${device.name}: ${errorMessage(e)}`);
    } finally {
      // Dropping the pending value shows the server's: the new one, or the old one back on error.
      if (latestChange.current.get(slot) === seq) {
        latestChange.current.delete(slot);
        setPending((p) => {
          const { [key]: _done, ...rest } = p[device.id] ?? {};
          return { ...p, [device.id]: rest };
        });
      }
    }
  }

  async function signOut(device: Device) {
    await api('DELETE', ROUTES.device(device.id));
    devices.update((list) => list.map((d) => (d.id === device.id ? { ...d, revoked: true } : d)));
    devices.reload();
  }

  const all = devices.data ?? [];
  const active = all.filter((d) => !d.revoked);
  const browsers = active.filter((d) => d.kind === 'web');
  const agents = active.filter((d) => d.kind !== 'web');
  const signedOut = all.filter((d) => d.revoked);

  return (
    <Page title="Devices" subtitle={devices.data && `${agents.length} syncing · ${browsers.length} in a browser`}>
      <div className="devices-page">
        {(error ?? devices.error) && (
          <p role="alert" className="form-error">
            {error ?? devices.error}
          </p>
        )}

        {devices.data && agents.length === 0 && (
          <div className="empty-state">
            <strong>No device syncs with this library yet</strong>
            <span>
              On a computer, run <code>skyroll login</code>, then <code>skyroll sync FOLDER</code>.
            </span>
          </div>
        )}
        <ul className="devices-list">
          {agents.map((device) => (
            <li key={device.id} className="device-card" data-testid="device" data-device-id={device.id} data-kind="agent">
              <DeviceTitle device={device} now={now} thisDeviceId={thisDeviceId} onSignOut={() => setSigningOut(device)} />
              {!(pending[device.id]?.sync ?? device.settings.sync) && (
                <p className="device-sync-off" data-testid="device-sync-off">
                  Sync is turned off for this device: it neither uploads nor downloads until “Sync this device” is back on.
                </p>
              )}
              <HealthView health={device.health} now={now} />
              <fieldset className="device-settings">
                <legend>Settings</legend>
                {SETTING_TOGGLES.map(({ key, label, hint }) => {
                  const value = pending[device.id]?.[key] ?? device.settings[key];
                  return (
                    <label key={key} className="device-toggle" title={hint}>
                      <span>
                        {label}
                        <small className="muted">{hint}</small>
                      </span>
                      <input
                        type="checkbox"
                        role="switch"
                        data-setting={key}
                        checked={value}
                        aria-busy={pending[device.id]?.[key] !== undefined}
                        onChange={(event) => void changeSetting(device, key, event.target.checked)}
                      />
                    </label>
                  );
                })}
              </fieldset>
            </li>
          ))}
        </ul>

        {browsers.length > 0 && (
          <section className="devices-section">
            <h2>Browsers</h2>
            <ul className="devices-list devices-list-compact">
              {browsers.map((device) => (
                <li key={device.id} className="device-card" data-testid="device" data-device-id={device.id} data-kind="web">
                  <DeviceTitle device={device} now={now} thisDeviceId={thisDeviceId} onSignOut={() => setSigningOut(device)} />
                </li>
              ))}
            </ul>
          </section>
        )}

        {signedOut.length > 0 && (
          <details className="devices-section">
            <summary>Signed out ({signedOut.length})</summary>
            <ul className="devices-signed-out muted">
              {signedOut.map((device) => (
                <li key={device.id} data-device-id={device.id}>
                  {device.name} — {device.kind === 'web' ? 'browser' : 'device'}, last seen {relativeTime(device.lastSeenAt, now)}
                </li>
              ))}
            </ul>
          </details>
        )}

        {signingOut && (
          <ActionDialog
            title={`Sign out ${signingOut.name}?`}
            confirmLabel="Sign out"
            danger
            onConfirm={() => signOut(signingOut)}
            onClose={() => setSigningOut(null)}
          >
            {signingOut.id === thisDeviceId
              ? 'This browser will be signed out.'
              : signingOut.kind !== 'web'
                ? 'It stops syncing at once; its photos stay in the library and in its folder. Sign it in again with skyroll login.'
                : 'That browser will be signed out.'}
          </ActionDialog>
        )}
      </div>
    </Page>
  );
}

function DeviceTitle({ device, now, thisDeviceId, onSignOut }: { device: Device; now: number; thisDeviceId: string | null; onSignOut: () => void }) {
  const stale = device.health?.stale ?? false;
  return (
    <div className="device-title">
      <div>
        <h3>
          {device.name}
          {device.id === thisDeviceId && <span className="device-badge">This browser</span>}
          {stale && (
            <span className="device-badge device-badge-stale" data-testid="device-stale" title="No report from its agent for a while">
              Not running
            </span>
          )}
        </h3>
        <p className="muted device-seen">
          Last seen{' '}
          <time data-testid="device-last-seen" dateTime={device.lastSeenAt ? new Date(device.lastSeenAt).toISOString() : undefined}>
            {relativeTime(device.lastSeenAt, now)}
          </time>
          {device.health && device.kind === 'agent' && <> · Skyroll {device.health.agentVersion}</>}
        </p>
      </div>
      <button type="button" className="button device-sign-out" data-testid="device-sign-out" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

function HealthView({ health, now }: { health: DeviceHealth | null; now: number }) {
  if (!health) {
    return (
      <div className="device-health">
        <p className="muted">
          <span data-testid="device-pending">No report yet</span>: the agent has not run since it signed in.
        </p>
      </div>
    );
  }
  const waiting = health.pending + health.blocked;
  const reason = health.reason ? REASON_TEXT[health.reason] : null;
  return (
    <div className="device-health">
      <p className="device-counts">
        {waiting === 0 && health.failed === 0 && !health.reason && !health.stale && <span className="device-ok">Up to date</span>}
        <span>
          <strong data-testid="device-pending" data-count={waiting}>
            {waiting}
          </strong>{' '}
          waiting
        </span>
        {waiting > 0 && (
          <span className="muted">
            {health.uploads} to upload · {health.downloads} to download · {formatBytes(health.pendingBytes)}
          </span>
        )}
        <span className="muted">{health.synced} synced</span>
        {health.failed > 0 && <span className="device-failed">{health.failed} failed</span>}
      </p>
      {health.reason && reason && (
        <div className="device-reason" data-testid="device-reason" data-reason={health.reason}>
          <strong>{reason.title}</strong>
          {health.detail && <p>{health.detail}</p>}
          <p className="device-fix">
            <span className="muted">Fix: </span>
            {reason.fix}
          </p>
        </div>
      )}
      {health.lastError && (
        <p className="device-last-error">
          <span className="muted">Last error {relativeTime(health.lastError.at, now)}: </span>
          {health.lastError.message}
        </p>
      )}
      <p className="muted device-reported">
        Reported {relativeTime(health.reportedAt, now)}
        {health.lastProgressAt !== null && <> · last progress {relativeTime(health.lastProgressAt, now)}</>}
      </p>
    </div>
  );
}

async function loadDevices(): Promise<Device[]> {
  return (await api<{ devices: Device[] }>('GET', ROUTES.devices)).devices;
}

/** The current time, refreshed every `intervalMs` (calling `onTick`), so relative times ("2 minutes ago") move on. */
function useNow(intervalMs: number, onTick: () => void): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      onTick();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, onTick]);
  return now;
}
