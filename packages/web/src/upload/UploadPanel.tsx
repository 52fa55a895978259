import { useState } from 'react';
import { formatBytes } from '../ui/format';
import { CheckIcon, CloseIcon } from '../ui/icons';
import type { UploadItem, UploadSnapshot, UploadState } from './upload-queue';

const STATE_TEXT: Record<UploadState, string> = {
  hashing: 'Preparing',
  checking: 'Checking',
  uploading: 'Uploading',
  committing: 'Saving',
  done: 'Uploaded',
  skipped: 'Already in your library',
  failed: 'Failed',
};

/** The upload progress card (bottom right): overall progress, then each file on demand. */
export function UploadPanel({ snapshot, onClose, onRetry }: { snapshot: UploadSnapshot; onClose: () => void; onRetry: () => void }) {
  const [expanded, setExpanded] = useState(false);
  const { items, active } = snapshot;
  const totalBytes = items.reduce((sum, item) => sum + item.size, 0);
  const doneBytes = items.reduce((sum, item) => sum + item.size * (isSettled(item) ? 1 : item.state === 'uploading' || item.state === 'committing' ? item.progress : 0), 0);
  const percent = totalBytes === 0 ? 100 : Math.round((doneBytes / totalBytes) * 100);
  const count = (state: UploadState) => items.filter((item) => item.state === state).length;
  const failed = count('failed');
  const finished = items.filter(isSettled).length + failed;
  const firstError = items.find((item) => item.state === 'failed')?.error;

  return (
    <section className="upload-panel" data-testid="upload-progress" aria-label="Uploads">
      <header className="upload-head">
        <div>
          <strong>{active ? `Uploading ${finished} of ${items.length}` : summary(count('done'), count('skipped'), failed)}</strong>
          {active && <span className="muted"> · {percent}% of {formatBytes(totalBytes)}</span>}
        </div>
        <div className="upload-head-actions">
          <button type="button" className="link-button" onClick={() => setExpanded(!expanded)}>
            {expanded ? 'Hide' : 'Details'}
          </button>
          {!active && (
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              <CloseIcon />
            </button>
          )}
        </div>
      </header>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className={failed > 0 && !active ? 'progress-bar failed' : 'progress-bar'} style={{ width: `${percent}%` }} />
      </div>
      {failed > 0 && (
        <div className="upload-error" role="alert">
          <span>{firstError}</span>
          {!active && (
            <button type="button" className="link-button" onClick={onRetry}>
              Retry
            </button>
          )}
        </div>
      )}
      {!active && failed === 0 && (
        <div className="upload-done" data-testid="upload-done">
          <CheckIcon /> Done
        </div>
      )}
      {expanded && (
        <ul className="upload-list">
          {items.map((item) => (
            <li key={item.id} className={`upload-item state-${item.state}`} data-state={item.state}>
              <span className="upload-name" title={item.name}>
                {item.name}
              </span>
              <span className="muted">
                {STATE_TEXT[item.state]}
                {(item.state === 'uploading' || item.state === 'hashing') && ` ${Math.round(item.progress * 100)}%`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function isSettled(item: UploadItem): boolean {
  return item.state === 'done' || item.state === 'skipped';
}

function summary(done: number, skipped: number, failed: number): string {
  const parts = [];
  if (done > 0) parts.push(`${done} uploaded`);
  if (skipped > 0) parts.push(`${skipped} already in your library`);
  if (failed > 0) parts.push(`${failed} failed`);
  return parts.join(' · ') || 'Nothing to upload';
}
