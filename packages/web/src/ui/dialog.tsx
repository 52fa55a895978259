import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  children?: ReactNode;
  onClose: () => void;
  className?: string;
}

/**
 * A modal over the page (native <dialog>: focus stays inside, Escape closes). Keyboard handlers
 * elsewhere (the viewer's) ignore keys while one is open: see isDialogOpen.
 */
export function Dialog({ title, children, onClose, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (e.target === ref.current) onClose();
      }}
    >
      <div className="dialog-body">
        <h2 className="dialog-title">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

export function isDialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

export interface ConfirmOptions {
  title: string;
  message?: ReactNode;
  confirmLabel?: string;
  /** A destructive action: the confirm button is red. */
  danger?: boolean;
}

export function ConfirmDialog({ title, message, confirmLabel = 'OK', danger, onConfirm, onCancel }: ConfirmOptions & { onConfirm: () => void; onCancel: () => void }) {
  return (
    <Dialog title={title} onClose={onCancel}>
      {message && <div className="dialog-message">{message}</div>}
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="cancel" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={danger ? 'button danger' : 'button primary'} data-testid="confirm" onClick={onConfirm} autoFocus>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export interface PromptOptions {
  title: string;
  label: string;
  /** The input's name attribute (e.g. `album-name`). */
  name: string;
  initialValue?: string;
  confirmLabel?: string;
}

export function PromptDialog({ title, label, name, initialValue = '', confirmLabel = 'OK', onSubmit, onCancel }: PromptOptions & { onSubmit: (value: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initialValue);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onSubmit(value.trim());
  };
  return (
    <Dialog title={title} onClose={onCancel}>
      <form onSubmit={submit}>
        <label className="field">
          <span>{label}</span>
          <input name={name} value={value} onChange={(e) => setValue(e.target.value)} autoFocus maxLength={200} />
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="confirm" disabled={!value.trim()}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * `const [dialog, confirm] = useConfirm()`: render `dialog`, then `if (await confirm({...}))`.
 * One question at a time.
 */
export function useConfirm(): [ReactNode, (options: ConfirmOptions) => Promise<boolean>] {
  const [pending, setPending] = useState<{ options: ConfirmOptions; resolve: (ok: boolean) => void } | null>(null);
  const ask = useCallback((options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ options, resolve })), []);
  const answer = (ok: boolean) => {
    pending?.resolve(ok);
    setPending(null);
  };
  const element = pending ? <ConfirmDialog {...pending.options} onConfirm={() => answer(true)} onCancel={() => answer(false)} /> : null;
  return [element, ask];
}

/** `const [dialog, prompt] = usePrompt()`: resolves with the text entered, or null when cancelled. */
export function usePrompt(): [ReactNode, (options: PromptOptions) => Promise<string | null>] {
  const [pending, setPending] = useState<{ options: PromptOptions; resolve: (value: string | null) => void } | null>(null);
  const ask = useCallback((options: PromptOptions) => new Promise<string | null>((resolve) => setPending({ options, resolve })), []);
  const answer = (value: string | null) => {
    pending?.resolve(value);
    setPending(null);
  };
  const element = pending ? <PromptDialog {...pending.options} onSubmit={(v) => answer(v)} onCancel={() => answer(null)} /> : null;
  return [element, ask];
}
