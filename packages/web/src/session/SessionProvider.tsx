import { ROUTES } from '@skyroll/protocol';
import type { LoginResponse, MeResponse } from '../api-types';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthorizedHandler } from '../api';
import { liveEvents } from '../live/events';
import { browserDeviceName } from './device-name';

export type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; me: MeResponse };

export interface Session {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  signUp(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/**
 * Who is signed in: asked once on load (GET /api/auth/me); any 401 later (a revoked device, an
 * expired cookie) signs the app out. The browser's session is an HttpOnly cookie: the app never
 * holds the token.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    setUnauthorizedHandler(() => setState({ status: 'signed-out' }));
    api<MeResponse>('GET', ROUTES.me).then(
      (me) => setState({ status: 'signed-in', me }),
      (err: unknown) => {
        // Unreachable server: shown as signed out, the sign-in page then says what is wrong.
        if (!(err instanceof ApiError) || err.status !== 401) console.warn('session check failed', err);
        setState({ status: 'signed-out' });
      },
    );
  }, []);

  useEffect(() => {
    if (state.status !== 'signed-in') return;
    liveEvents.start();
    return () => liveEvents.stop();
  }, [state.status]);

  const signIn = useCallback(async (email: string, password: string) => {
    await api<LoginResponse>('POST', ROUTES.login, { email, password, deviceName: browserDeviceName(), session: 'cookie' });
    setState({ status: 'signed-in', me: await api<MeResponse>('GET', ROUTES.me) });
  }, []);

  const signUp = useCallback(
    async (email: string, password: string) => {
      await api('POST', ROUTES.signup, { email, password });
      await signIn(email, password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', ROUTES.logout);
    } finally {
      setState({ status: 'signed-out' });
    }
  }, []);

  const session = useMemo<Session>(() => ({ state, signIn, signUp, signOut }), [state, signIn, signUp, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
