import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PasswordChangePage } from '../auth/PasswordChangePage.js';
import { RecoveryCodesPage } from '../auth/RecoveryCodesPage.js';
import { SecondFactorPage } from '../auth/SecondFactorPage.js';
import { SignInPage } from '../auth/SignInPage.js';
import { TotpEnrolPage } from '../auth/TotpEnrolPage.js';
import { SessionContext, useSessionState, type SessionState } from '../auth/useSession.js';
import { useTheme, type Theme } from '../shared/hooks/useTheme.js';
import { AppShell } from './AppShell.js';
import { AuthHeader } from './Header.js';

/** The sign-in step the session is at, or the app shell once it is complete. */
function Screen({ state, theme, onToggleTheme }: { state: SessionState; theme: Theme; onToggleTheme: () => void }) {
  const { t } = useTranslation();
  if (state.status === 'loading') {
    return (
      <p className="splash" role="status">
        {t('app.loading')}
      </p>
    );
  }
  if (state.status === 'signed-in' && state.session.stage === 'full' && !state.recoveryCodes) {
    return <AppShell theme={theme} onToggleTheme={onToggleTheme} />;
  }
  let step;
  if (state.status === 'anonymous') step = <SignInPage notice={state.notice} />;
  else if (state.recoveryCodes) step = <RecoveryCodesPage codes={state.recoveryCodes} />;
  else if (state.session.stage === 'totp') step = <SecondFactorPage />;
  else if (state.session.stage === 'password_change') step = <PasswordChangePage />;
  else step = <TotpEnrolPage />;
  return (
    <>
      <AuthHeader theme={theme} onToggleTheme={onToggleTheme} />
      {step}
    </>
  );
}

// The verifier (with its hashing and signature code) loads only when the page is opened.
const VerifyBundlePage = lazy(() => import('../evidence/VerifyBundlePage.js').then((m) => ({ default: m.VerifyBundlePage })));

/** Pages that work without a session and without the server: the offline bundle verifier. */
export const OFFLINE_PAGES = { verify: '/verify' } as const;

/** The offline page (no session is looked up, nothing is asked of the server), or the app. */
export function App() {
  if (window.location.pathname === OFFLINE_PAGES.verify) return <OfflinePage />;
  return <SessionApp />;
}

function OfflinePage() {
  const { t } = useTranslation();
  const { theme, toggleTheme } = useTheme();
  useEffect(() => {
    document.title = `${t('verifyBundle.title')} · ${t('app.name')}`;
  }, [t]);
  return (
    <>
      <AuthHeader theme={theme} onToggleTheme={toggleTheme} />
      <main id="main">
        <Suspense fallback={<p className="splash" role="status">{t('app.loading')}</p>}>
          <VerifyBundlePage />
        </Suspense>
      </main>
    </>
  );
}

function SessionApp() {
  const { t } = useTranslation();
  const session = useSessionState();
  const { theme, toggleTheme } = useTheme();
  const signedIn = session.state.status === 'signed-in' && session.state.session.stage === 'full';

  useEffect(() => {
    if (!signedIn) document.title = t('app.name');
  }, [signedIn, t]);

  return (
    <SessionContext.Provider value={session}>
      <Screen state={session.state} theme={theme} onToggleTheme={toggleTheme} />
    </SessionContext.Provider>
  );
}
