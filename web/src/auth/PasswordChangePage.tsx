import { useTranslation } from 'react-i18next';
import { AuthCard } from './AuthCard.js';
import { PasswordChangeForm } from './PasswordChangeForm.js';
import { useSession } from './useSession.js';

/** The forced change of a one-time password. */
export function PasswordChangePage() {
  const { t } = useTranslation();
  const { advance, signOut } = useSession();

  function handleSignOut() {
    void signOut();
  }

  return (
    <AuthCard title={t('passwordChange.title')} intro={t('passwordChange.intro')}>
      <PasswordChangeForm oneTime onChanged={advance} />
      <button type="button" className="link" onClick={handleSignOut}>
        {t('signIn.signOutInstead')}
      </button>
    </AuthCard>
  );
}
