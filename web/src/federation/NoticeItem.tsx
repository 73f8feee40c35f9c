import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { NoticeReplyForm } from './NoticeReplyForm.js';
import { NoticeThread } from './NoticeThread.js';
import type { Notice, NoticeThread as Thread } from './useNotices.js';

export interface NoticeActions {
  onAcknowledge: (id: string) => Promise<Notice>;
  onReply: (id: string, subject: string, text: string) => Promise<Notice>;
  loadThread: (id: string) => Promise<Thread>;
}

/** One notice: who sent it to whom and when, its text, whether it was acknowledged, and what can be done with it. */
export function NoticeItem({ notice: n, canAct, actions }: { notice: Notice; canAct: boolean; actions: NoticeActions }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { busy, error, run } = useAction();
  const [replying, setReplying] = useState(false);
  const [thread, setThread] = useState<Thread | null>(null);
  const [replied, setReplied] = useState(false);
  const titleId = useId();
  const received = n.direction === 'received';
  const acknowledged = n.acknowledged_at !== null;
  const inThread = n.reply_count > 0 || n.in_reply_to !== null;

  function handleAcknowledge() {
    void run(() => actions.onAcknowledge(n.id));
  }
  async function handleToggleThread() {
    if (thread) return setThread(null);
    const loaded = await run(() => actions.loadThread(n.id));
    if (loaded) setThread(loaded);
  }
  function handleReplySent() {
    setReplying(false);
    setReplied(true);
    setThread(null);
  }

  return (
    <article className={`notice${received && !acknowledged ? ' notice-new' : ''}`} data-notice-id={n.id} data-direction={n.direction} data-acknowledged={acknowledged} aria-labelledby={titleId}>
      <div className="notice-head">
        <h3 id={titleId}>{n.subject}</h3>
        {acknowledged ? (
          <span className="badge status-on" data-state="acknowledged">
            {t('notices.acknowledgedBy', { name: n.acknowledged_by, at: formatDate(n.acknowledged_at) })}
          </span>
        ) : (
          <span className="badge status-warn" data-state="unacknowledged">
            {t(received ? 'notices.state.unacknowledged' : 'notices.state.awaitingAck')}
          </span>
        )}
      </div>
      <p className="hint">
        {received ? t('notices.from', { id: n.from_node }) : t('notices.to', { id: n.to_node })} · <time dateTime={n.received_at}>{formatDate(n.received_at)}</time>
        {n.delivery && <> · {t(`notices.delivery.${n.delivery}`)}</>}
        {n.in_reply_to && <> · {t('notices.isReply')}</>}
      </p>
      {n.text && <p className="notice-text">{n.text}</p>}
      <ErrorAlert error={error} />
      {replied && (
        <p className="alert alert-success" role="status">
          {t('notices.replyQueued')}
        </p>
      )}
      <div className="button-row">
        {canAct && received && !acknowledged && (
          <button type="button" onClick={handleAcknowledge} disabled={busy}>
            {t('notices.acknowledge')}
          </button>
        )}
        {canAct && !replying && (
          <button type="button" className="secondary" onClick={() => setReplying(true)}>
            {t('notices.reply')}
          </button>
        )}
        {(inThread || replied) && (
          <button type="button" className="secondary" onClick={() => void handleToggleThread()} aria-expanded={thread !== null}>
            {thread ? t('notices.hideThread') : n.reply_count > 0 ? t('notices.showThread', { count: n.reply_count }) : t('notices.showThreadPlain')}
          </button>
        )}
      </div>
      {replying && <NoticeReplyForm notice={n} onReply={(subject, text) => actions.onReply(n.id, subject, text)} onSent={handleReplySent} onCancel={() => setReplying(false)} />}
      {thread && <NoticeThread thread={thread.thread} currentId={n.id} />}
    </article>
  );
}
