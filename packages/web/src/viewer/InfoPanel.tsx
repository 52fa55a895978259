import type { AssetInfo } from '@skyroll/protocol';
import type { ReactNode } from 'react';
import { cameraLabel } from '../components/format';
import { formatBytes, formatDuration } from '../ui/format';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** Everything known about the asset: when, what file, which camera and settings, how big, where. */
export function InfoPanel({ info }: { info: AssetInfo | null }) {
  if (!info) {
    return (
      <aside className="info-panel" data-testid="info-panel" aria-busy="true">
        <p className="muted">Loading…</p>
      </aside>
    );
  }
  const { asset, camera, exposure, location, derivatives } = info;
  const failed = derivatives.find((d) => d.state === 'failed');
  const pending = derivatives.some((d) => d.state === 'pending');
  return (
    <aside className="info-panel" data-testid="info-panel" aria-label="Info">
      <h2>Info</h2>
      <dl>
        <Row label="Date" testId="info-date">
          {dateFormat.format(new Date(asset.takenAt ?? asset.createdAt))}
          {asset.takenAt === null && <div className="muted">When it was added (the file has no capture date)</div>}
        </Row>
        <Row label="File" testId="info-file">
          <span className="info-file">{info.fileName}</span>
          <div className="muted">{asset.path}</div>
        </Row>
        {camera && (camera.make || camera.model) && (
          <Row label="Camera" testId="info-camera">
            {cameraLabel(camera.make, camera.model)}
            {camera.lens && <div className="muted">{camera.lens}</div>}
          </Row>
        )}
        {exposure && exposureText(exposure) && (
          <Row label="Exposure" testId="info-exposure">
            {exposureText(exposure)}
          </Row>
        )}
        <Row label="Size" testId="info-size">
          {asset.width && asset.height ? `${asset.width} × ${asset.height} · ` : ''}
          {formatBytes(asset.size)}
          {asset.durationMs !== null && ` · ${formatDuration(asset.durationMs)}`}
          <div className="muted">{asset.mime}</div>
        </Row>
        {location && (
          <Row label="Place" testId="info-place">
            <a href={osmLink(location.latitude, location.longitude)} target="_blank" rel="noreferrer">
              {location.latitude.toFixed(5)}, {location.longitude.toFixed(5)}
            </a>
            {location.altitude !== null && <div className="muted">{Math.round(location.altitude)} m altitude</div>}
          </Row>
        )}
        {(failed || pending || asset.media !== 'ready') && (
          <Row label="Previews" testId="info-media">
            {failed || asset.media === 'failed' ? (
              <span className="danger-text">Could not be made: {failed?.error ?? asset.mediaError ?? 'the file could not be read'}</span>
            ) : (
              'Being made…'
            )}
          </Row>
        )}
        {asset.version > 1 && (
          <Row label="Version" testId="info-version">
            {asset.version} (the earlier bytes are kept)
          </Row>
        )}
      </dl>
    </aside>
  );
}

function Row({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="info-row" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function exposureText(e: NonNullable<AssetInfo['exposure']>): string {
  const parts: string[] = [];
  if (e.fNumber) parts.push(`ƒ/${round(e.fNumber)}`);
  if (e.exposureTime) parts.push(e.exposureTime >= 1 ? `${round(e.exposureTime)} s` : `1/${Math.round(1 / e.exposureTime)} s`);
  if (e.iso) parts.push(`ISO ${e.iso}`);
  if (e.focalLength) parts.push(`${round(e.focalLength)} mm`);
  return parts.join(' · ');
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function osmLink(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=15/${lat}/${lon}`;
}
