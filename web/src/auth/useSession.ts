import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, setCsrfToken, setUnauthenticatedHandler } from '../api/client.js';
import { auth } from '../api/endpoints.js';
import type { SessionInfo, Stage } from '../api/types.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; notice?: 'signed-out' | 'expired' }
  | { status: 'signed-in'; session: SessionInfo; recoveryCodes: string[] | null };

export interface SessionApi {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  advance(stage: Stage): void;
  showRecoveryCodes(codes: string[], stage: Stage): void;
  acknowledgeRecoveryCodes(): void;
  signOut(): Promise<void>;
}

/** The browser session: restored on load, advanced through the sign-in steps, ended on sign-out or expiry. */
export function useSessionState(): SessionApi {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const adopt = useCallback((session: SessionInfo) => {
    setCsrfToken(session.csrf_token);
    setState({ status: 'signed-in', session, recoveryCodes: null });
  }, []);

  const forget = useCallback((notice?: 'signed-out' | 'expired') => {
    setCsrfToken(null);
    setState(notice ? { status: 'anonymous', notice } : { status: 'anonymous' });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => forget('expired'));
    let cancelled = false;
    auth
      .session()
      .then((s) => !cancelled && adopt(s))
      .catch(() => !cancelled && forget());
    return () => {
      cancelled = true;
      setUnauthenticatedHandler(null);
    };
  }, [adopt, forget]);

  const signIn = useCallback(async (email: string, password: string) => adopt(await auth.signIn(email, password)), [adopt]);

  const advance = useCallback((stage: Stage) => {
    setState((s) => (s.status === 'signed-in' ? { ...s, session: { ...s.session, stage } } : s));
    // The user record changes as steps complete (password changed, TOTP on); refresh it quietly.
    auth
      .session()
      .then((fresh) => setState((s) => (s.status === 'signed-in' ? { ...s, session: { ...fresh, stage: fresh.stage } } : s)))
      .catch(() => undefined);
  }, []);

  const showRecoveryCodes = useCallback((codes: string[], stage: Stage) => {
    setState((s) => (s.status === 'signed-in' ? { ...s, recoveryCodes: codes, session: { ...s.session, stage } } : s));
  }, []);

  const acknowledgeRecoveryCodes = useCallback(() => {
    setState((s) => (s.status === 'signed-in' ? { ...s, recoveryCodes: null } : s));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.signOut();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // the session is gone either way
    }
    // the next person to sign in starts at the overview, not on this user's last page
    window.history.replaceState(null, '', '/');
    forget('signed-out');
  }, [forget]);

  return useMemo(
    () => ({ state, signIn, advance, showRecoveryCodes, acknowledgeRecoveryCodes, signOut }),
    [state, signIn, advance, showRecoveryCodes, acknowledgeRecoveryCodes, signOut],
  );
}

export const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession outside SessionContext');
  return api;
}

/** The signed-in session; only for components rendered inside the app shell. */
export function useSignedIn(): SessionInfo {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn without a session');
  return state.session;
}
