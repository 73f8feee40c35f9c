import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { auth } from '../api/endpoints.js';
import type { Stage, TotpEnrolment } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { AuthCard } from './AuthCard.js';
import { TotpCodeField } from './TotpCodeField.js';
import { useSession } from './useSession.js';

/** The key in groups of four, easier to type into an app by hand. */
function groupSecret(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/** Starts TOTP enrolment, shows the QR code and key, and confirms with a code. */
export function TotpEnrolPage() {
  const { t } = useTranslation();
  const { showRecoveryCodes, signOut } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useAction();
  const confirm = useAction();
  const started = useRef(false);
  const { run: runStart } = start;

  useEffect(() => {
    // once per mount, also under React's development double-invocation
    if (started.current) return;
    started.current = true;
    void runStart(auth.startTotpEnrolment).then((e) => e && setEnrolment(e));
  }, [runStart]);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await confirm.run(() => auth.confirmTotpEnrolment(code.replace(/\s+/g, '')));
    // the route declares its stage a plain string; it is the session's stage
    if (result) showRecoveryCodes(result.recovery_codes, result.stage as Stage);
  }

  function handleSignOut() {
    void signOut();
  }

  return (
    <AuthCard title={t('totpEnrol.title')} intro={t('totpEnrol.intro')}>
      <LoadState error={start.error} loading={!enrolment && start.busy} loadingText={t('totpEnrol.starting')} />
      {enrolment && (
        <>
          <div className="qr">
            <img src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qr_svg)}`} alt={t('totpEnrol.qrAlt')} width={200} height={200} />
          </div>
          <p className="secret-label">{t('totpEnrol.secretLabel')}</p>
          <p>
            <code className="secret" data-testid="totp-secret" data-secret={enrolment.secret}>
              {groupSecret(enrolment.secret)}
            </code>
          </p>
          <form className="form" onSubmit={handleSubmit}>
            <ErrorAlert error={confirm.error} />
            <TotpCodeField label={t('totpEnrol.code')} value={code} onChange={setCode} />
            <FormActions label={t('totpEnrol.submit')} busy={confirm.busy} />
          </form>
        </>
      )}
      <button type="button" className="link" onClick={handleSignOut}>
        {t('signIn.signOutInstead')}
      </button>
    </AuthCard>
  );
}
