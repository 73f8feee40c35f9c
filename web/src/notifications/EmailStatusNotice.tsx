import { useTranslation } from 'react-i18next';

/**
 * Said plainly when this node cannot send e-mail: e-mail notifications are recorded as
 * skipped. An administrator is told where to set the mail server; anyone else whom to ask.
 */
export function EmailStatusNotice({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-warn" role="status" data-testid="email-not-configured">
      <p>
        <strong>{t('notifications.emailOff.title')}</strong> {t('notifications.emailOff.text')}
      </p>
      <p>{isAdmin ? t('notifications.emailOff.admin') : t('notifications.emailOff.others')}</p>
    </div>
  );
}
