import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../api-errors';
import './auth.css';

export interface AuthFormProps {
  title: string;
  submitLabel: string;
  passwordAutocomplete: 'current-password' | 'new-password';
  onSubmit: (email: string, password: string) => Promise<void>;
  /** A check before the request (e.g. the password's length at sign-up); returns the error text. */
  validate?: (email: string, password: string) => string | null;
  footer: ReactNode;
}

/** The sign-in and sign-up card: email, password, one button, the error when it fails. */
export function AuthForm({ title, submitLabel, passwordAutocomplete, onSubmit, validate, footer }: AuthFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = `${title} — Skyroll`;
  }, [title]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const invalid = validate?.(email, password) ?? null;
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      await onSubmit(email.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <div className="auth-screen">
      <form className="auth-card" onSubmit={(e) => void submit(e)} noValidate>
        <div className="auth-brand">
          <img src="/icon.svg" alt="" width={40} height={40} />
          <span>Skyroll</span>
        </div>
        <h1>{title}</h1>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete={passwordAutocomplete}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="auth-error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary wide" data-testid="auth-submit" disabled={busy}>
          {busy ? 'Please wait…' : submitLabel}
        </button>
        <p className="auth-footer">{footer}</p>
      </form>
    </div>
  );
}
