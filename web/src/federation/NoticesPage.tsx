import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { NoticeItem, type NoticeActions } from './NoticeItem.js';
import { NOTICES_ACT, NOTICES_REFRESH_MS, useNotices, type NoticeDirection } from './useNotices.js';

type NoticeList = ReturnType<typeof useNotices>['received'];

function NoticeSection({ direction, list, canAct, actions }: { direction: NoticeDirection; list: NoticeList; canAct: boolean; actions: NoticeActions }) {
  const { t } = useTranslation();
  const { data, error, loading, showMore } = list;
  const titleId = `notices-${direction}-title`;
  const unacknowledged = direction === 'received' ? (data?.unacknowledged ?? 0) : 0;
  return (
    <section className="card" aria-labelledby={titleId} data-section={direction}>
      <h2 id={titleId}>
        {t(`notices.${direction}`)}{' '}
        {unacknowledged > 0 && (
          <span className="badge status-warn" data-testid="unacknowledged-count">
            {t('notices.unacknowledgedCount', { count: unacknowledged })}
          </span>
        )}
      </h2>
      <LoadState error={error} loading={loading && !data} empty={data?.notices.length === 0} emptyText={t(`notices.${direction}Empty`)} emptyClassName="hint" />
      {data && data.notices.length > 0 && (
        <ul className="notice-list">
          {data.notices.map((n) => (
            <li key={n.id}>
              <NoticeItem notice={n} canAct={canAct} actions={actions} />
            </li>
          ))}
        </ul>
      )}
      {data?.more && (
        <button type="button" className="secondary" onClick={showMore}>
          {t('notices.showMore')}
        </button>
      )}
    </section>
  );
}

/** Notices from peers' operators (unacknowledged ones marked, to acknowledge or answer) and the ones this node sent, with their acknowledgement. */
export function NoticesPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { received, sent, acknowledge, reply, loadThread } = useNotices();
  const canAct = NOTICES_ACT.includes(user.role);
  const actions: NoticeActions = { onAcknowledge: acknowledge, onReply: reply, loadThread };
  return (
    <>
      <PageHeader title={t('notices.title')} intro={canAct ? t('notices.intro') : t('notices.readOnly')} />
      <p className="hint refresh-note">{t('notices.autoRefresh', { seconds: NOTICES_REFRESH_MS / 1000 })}</p>
      <NoticeSection direction="received" list={received} canAct={canAct} actions={actions} />
      <NoticeSection direction="sent" list={sent} canAct={canAct} actions={actions} />
    </>
  );
}
