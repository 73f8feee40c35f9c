import { useTranslation } from 'react-i18next';
import { AuthCard } from './AuthCard.js';
import { useSession } from './useSession.js';

/** The recovery codes, shown once right after TOTP enrolment. */
export function RecoveryCodesPage({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const { acknowledgeRecoveryCodes } = useSession();

  function handleContinue() {
    acknowledgeRecoveryCodes();
  }

  return (
    <AuthCard title={t('recoveryCodes.title')} intro={t('recoveryCodes.intro')}>
      <ol className="recovery-codes" aria-label={t('recoveryCodes.listLabel')} data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={handleContinue}>
        {t('recoveryCodes.continue')}
      </button>
    </AuthCard>
  );
}
