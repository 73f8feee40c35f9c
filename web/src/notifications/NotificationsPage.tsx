import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ChannelPreferencesForm } from './ChannelPreferencesForm.js';
import { EmailStatusNotice } from './EmailStatusNotice.js';
import { NotificationList } from './NotificationList.js';
import { SmtpSettingsCard } from './SmtpSettings.js';
import { TestNotificationCard } from './TestNotificationCard.js';
import { WebhookSettings } from './WebhookSettings.js';
import { NOTIFICATIONS_REFRESH_MS, useNotificationList, useNotificationPreferences } from './useNotifications.js';
import { useEmailStatus, useSmtpSettings } from './useSmtpSettings.js';

/** The mail server card, for administrators only (its API is theirs alone). */
function AdminSmtp({ email, onChanged }: { email: string; onChanged: () => Promise<void> }) {
  const smtp = useSmtpSettings(onChanged);
  return (
    <>
      <LoadState error={smtp.error} loading={smtp.loading && !smtp.data} />
      {smtp.data && <SmtpSettingsCard settings={smtp.data} defaultTestAddress={email} onSave={smtp.save} onRemove={smtp.remove} onTest={smtp.sendTest} />}
    </>
  );
}

/**
 * Personal → Notifications: whether this node can send e-mail, the channel for each kind of
 * event, the webhook, a test, every notification recorded for the user, and for
 * administrators the node's mail server.
 */
export function NotificationsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const preferences = useNotificationPreferences();
  const list = useNotificationList();
  const emailStatus = useEmailStatus();
  const isAdmin = user.role === 'admin';
  const emailOff = emailStatus.data?.configured === false;

  return (
    <>
      <PageHeader title={t('notifications.title')} intro={t('notifications.intro')} />
      {emailOff && <EmailStatusNotice isAdmin={isAdmin} />}
      <LoadState error={preferences.error} loading={preferences.loading && !preferences.data} />
      {preferences.data && (
        <div className="notification-settings">
          <ChannelPreferencesForm preferences={preferences.data} email={user.email} emailConfigured={!emailOff} onSave={preferences.save} />
          <WebhookSettings preferences={preferences.data} onSave={preferences.save} onRotateSecret={preferences.rotateSecret} />
        </div>
      )}
      {isAdmin && <AdminSmtp email={user.email} onChanged={emailStatus.reload} />}
      <TestNotificationCard onSend={list.sendTest} />
      <ErrorAlert error={list.error} />
      {list.data && <NotificationList items={list.data.notifications} canShowMore={list.canShowMore} onShowMore={list.showMore} refreshSeconds={NOTIFICATIONS_REFRESH_MS / 1000} />}
    </>
  );
}
