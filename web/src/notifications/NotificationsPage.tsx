import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ChannelPreferencesForm } from './ChannelPreferencesForm.js';
import { NotificationList } from './NotificationList.js';
import { TestNotificationCard } from './TestNotificationCard.js';
import { WebhookSettings } from './WebhookSettings.js';
import { NOTIFICATIONS_REFRESH_MS, useNotificationList, useNotificationPreferences } from './useNotifications.js';

/** Personal → Notifications: the channel for each kind of event, the webhook, a test, and every notification recorded for the user. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const preferences = useNotificationPreferences();
  const list = useNotificationList();

  return (
    <>
      <PageHeader title={t('notifications.title')} intro={t('notifications.intro')} />
      <LoadState error={preferences.error} loading={preferences.loading && !preferences.data} />
      {preferences.data && (
        <div className="notification-settings">
          <ChannelPreferencesForm preferences={preferences.data} email={user.email} onSave={preferences.save} />
          <WebhookSettings preferences={preferences.data} onSave={preferences.save} onRotateSecret={preferences.rotateSecret} />
        </div>
      )}
      <TestNotificationCard onSend={list.sendTest} />
      <ErrorAlert error={list.error} />
      {list.data && <NotificationList items={list.data.notifications} canShowMore={list.canShowMore} onShowMore={list.showMore} refreshSeconds={NOTIFICATIONS_REFRESH_MS / 1000} />}
    </>
  );
}
