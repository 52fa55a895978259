import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../api-errors';
import { Dialog } from '../ui/dialog';

export interface ActionDialogProps {
  title: string;
  /** What will happen, and what will not (e.g. "the photos stay in your library"). */
  children?: ReactNode;
  confirmLabel: string;
  /** A destructive action (deleting for good, signing a device out): the confirm button is red. */
  danger?: boolean;
  confirmDisabled?: boolean;
  /** Runs the action; while it runs the buttons wait; if it throws, the error shows and the dialog stays open. */
  onConfirm: () => Promise<void>;
  /** Closes the dialog: after the action succeeded, on Cancel, or on Escape. */
  onClose: () => void;
}

/**
 * A confirm dialog (`[data-testid=confirm]` / `[data-testid=cancel]`) whose confirm runs a request:
 * the dialog closes only once the server agreed, and says why when it did not, so a person never
 * believes something was deleted that was not.
 */
export function ActionDialog({ title, children, confirmLabel, danger, confirmDisabled, onConfirm, onClose }: ActionDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || confirmDisabled) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={() => !busy && onClose()}>
      <form onSubmit={(event) => void submit(event)}>
        {children && <div className="dialog-message">{children}</div>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="cancel" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'button danger' : 'button primary'} data-testid="confirm" disabled={busy || confirmDisabled} autoFocus={danger}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
