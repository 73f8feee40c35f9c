import { useTranslation } from 'react-i18next';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import type { Notice } from './useNotices.js';

/** Every notice of a thread, oldest first, both directions; `currentId` is the one it was opened from. */
export function NoticeThread({ thread, currentId }: { thread: Notice[]; currentId: string }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  return (
    <ol className="notice-thread" aria-label={t('notices.threadLabel')}>
      {thread.map((n) => (
        <li key={n.id} data-notice-id={n.id} aria-current={n.id === currentId ? 'true' : undefined}>
          <p className="hint">
            {t('notices.fromTo', { from: n.from_node, to: n.to_node })} · <time dateTime={n.issued_at}>{formatDate(n.issued_at)}</time>
            {n.acknowledged_at && <> · {t('notices.acknowledgedBy', { name: n.acknowledged_by, at: formatDate(n.acknowledged_at) })}</>}
          </p>
          <p className="notice-subject">{n.subject}</p>
          {n.text && <p className="notice-text">{n.text}</p>}
        </li>
      ))}
    </ol>
  );
}
