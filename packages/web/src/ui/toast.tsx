import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { CloseIcon } from './icons';

interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
  action?: { label: string; run: () => void };
}

export interface Toaster {
  error(message: string): void;
  info(message: string, action?: Toast['action']): void;
}

const ToastContext = createContext<Toaster>({ error: () => {}, info: () => {} });

const ERROR_MS = 8_000;
const INFO_MS = 5_000;

/** Short messages at the bottom of the screen; errors are announced (`role=alert`). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.kind === 'error' ? ERROR_MS : INFO_MS);
    },
    [dismiss],
  );
  const toaster = useMemo<Toaster>(
    () => ({ error: (message) => show({ kind: 'error', message }), info: (message, action) => show({ kind: 'info', message, action }) }),
    [show],
  );

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            <span>{t.message}</span>
            {t.action && (
              <button
                type="button"
                className="toast-action"
                onClick={() => {
                  t.action?.run();
                  dismiss(t.id);
                }}
              >
                {t.action.label}
              </button>
            )}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <CloseIcon />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Toaster {
  return useContext(ToastContext);
}
