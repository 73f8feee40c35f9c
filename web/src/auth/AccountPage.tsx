import { useTranslation } from 'react-i18next';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { PasswordChangeForm } from './PasswordChangeForm.js';
import { useSignedIn } from './useSession.js';

/** The signed-in user's profile and password change. */
export function AccountPage() {
  const { t } = useTranslation();
  const session = useSignedIn();
  const formatDate = useFormatDate();
  const { user } = session;

  function handleChanged() {
    // the session stays as it is; the form shows its own confirmation
  }

  return (
    <>
      <PageHeader title={t('account.title')} />
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">{t('account.profile')}</h2>
        <dl className="facts">
          <dt>{t('account.displayName')}</dt>
          <dd>{user.display_name}</dd>
          <dt>{t('account.email')}</dt>
          <dd>{user.email}</dd>
          <dt>{t('account.role')}</dt>
          <dd>{t(`roles.${user.role}`)}</dd>
          <dt>{t('account.totp')}</dt>
          <dd>{user.totp_enabled ? t('users.totpOn') : t('users.totpOff')}</dd>
          <dt>{t('account.sessionExpires')}</dt>
          <dd>{formatDate(session.expires_at)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="password-title">
        <h2 id="password-title">{t('account.changePassword')}</h2>
        <PasswordChangeForm oneTime={false} onChanged={handleChanged} />
      </section>
    </>
  );
}
