import { useTranslation } from 'react-i18next';
import type { NotificationRecord, NotificationState } from '../api/types.js';
import { useFormatDate, useFormatRelative } from '../shared/hooks/useFormat.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';
import { useKindName } from './useNotifications.js';

const STATE_CLASS: Record<NotificationState, string> = { pending: 'status status-warn', sent: 'status status-on', failed: 'status status-off status-strong', skipped: 'status' };

function NotificationStateBadge({ state }: { state: NotificationState }) {
  return <StatusBadge value={state} classes={STATE_CLASS} messages="notifications.state" attr="state" />;
}

/** Why a notification is as it is: the server's reply or reason, the last error, attempts and the next one. */
function DeliveryDetails({ n }: { n: NotificationRecord }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  return (
    <>
      {n.response && <span className="delivery-response">{n.response}</span>}
      {n.last_error && <span className="delivery-error">{n.last_error}</span>}
      {n.attempts > 0 && <span className="hint">{t('notifications.attempts', { n: n.attempts })}</span>}
      {n.state === 'pending' && n.next_attempt_at && <span className="hint">{t('notifications.nextAttempt', { date: formatDate(n.next_attempt_at) })}</span>}
    </>
  );
}

function NotificationRow({ n }: { n: NotificationRecord }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const kindName = useKindName();
  return (
    <tr data-notification={n.id} data-kind={n.kind} data-channel={n.channel}>
      <td data-cell="time" title={formatDate(n.created_at)} className="nowrap">
        {formatRelative(n.created_at)}
      </td>
      <td data-cell="kind">
        {kindName(n.kind)}
        <span className="hint notification-subject">{n.subject}</span>
      </td>
      <td data-cell="channel">{t(`notifications.channel.${n.channel}`)}</td>
      <td data-cell="recipient" className="truncate-cell">
        {n.recipient || t('common.none')}
      </td>
      <td data-cell="state">
        <NotificationStateBadge state={n.state} />
      </td>
      <td data-cell="details" className="delivery-details">
        <DeliveryDetails n={n} />
      </td>
    </tr>
  );
}

/** The user's recorded notifications, newest first, with how each delivery went. */
export function NotificationList({ items, canShowMore, onShowMore, refreshSeconds }: { items: NotificationRecord[]; canShowMore: boolean; onShowMore: () => void; refreshSeconds: number }) {
  const { t } = useTranslation();
  return (
    <section className="card notification-list" aria-labelledby="notification-list-title" data-testid="notification-list">
      <h2 id="notification-list-title">{t('notifications.listTitle')}</h2>
      <p className="hint refresh-note">{t('notifications.listIntro', { seconds: refreshSeconds })}</p>
      <ResourceTable
        rows={items}
        emptyText={t('notifications.listEmpty')}
        caption={t('notifications.listTitle')}
        captionClassName="visually-hidden"
        columns={[t('notifications.colTime'), t('notifications.colEvent'), t('notifications.colChannel'), t('notifications.colRecipient'), t('notifications.colState'), t('notifications.colDetails')]}
        renderRow={(n) => <NotificationRow key={n.id} n={n} />}
      />
      {canShowMore && (
        <div className="pager">
          <button type="button" className="secondary" onClick={onShowMore}>
            {t('notifications.showMore')}
          </button>
        </div>
      )}
    </section>
  );
}
