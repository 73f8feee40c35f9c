import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ShortFingerprint } from '../groups/GroupBadges.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { statementsApi, type HistoryEntry, type StatementDetail } from './useStatements.js';

/**
 * The statement's signed history: the latest events the statement carries, and on demand the
 * whole history, oldest first, a page at a time (each event without its envelope: the API's
 * …/history gives the envelopes for audit and export).
 */
export function StatementHistory({ s }: { s: StatementDetail }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { busy, error, run } = useAction();
  // The whole history as paged so far, and where the next page starts (null: nothing more).
  const [all, setAll] = useState<{ entries: HistoryEntry[]; next: string | null } | null>(null);
  const more = (after?: string) =>
    void run(async () => {
      const page = await statementsApi.history(s.id, after);
      const entries = page.entries.map(({ envelope: _envelope, ...e }) => e);
      setAll((prev) => ({ entries: [...(after && prev ? prev.entries : []), ...entries], next: page.next }));
    });
  const shown = all?.entries ?? s.history;
  return (
    <section className="card" aria-labelledby="statement-history-title" data-testid="statement-history">
      <h2 id="statement-history-title">{t('statements.history')}</h2>
      <p className="intro">{t('statements.historyIntro')}</p>
      <p className="hint" data-testid="statement-history-count">
        {all ? t('statements.historyShownAll', { shown: shown.length, total: s.history_total }) : t('statements.historyLatest', { shown: shown.length, total: s.history_total })}
      </p>
      {shown.length === 0 ? (
        <p className="muted">{t('statements.historyEmpty')}</p>
      ) : (
        <ol className="timeline">
          {shown.map((e) => (
            <li key={`${e.author} ${e.event_id}`} data-event={e.event_id} data-type={e.type} data-counted={String(e.counted)} className={e.counted ? undefined : 'not-counted'}>
              <time dateTime={e.created_at} title={t('statements.receivedAt', { at: formatDate(e.received_at) })}>
                {formatDate(e.created_at)}
              </time>
              <div className="timeline-body">
                <p className="timeline-title">
                  <strong data-cell="event">{t(`statements.events.${e.type}`, { defaultValue: e.type })}</strong>
                  {' · '}
                  <code className="hint">{e.author}</code>
                </p>
                <p className="hint">
                  {t('statements.signedWith')} <ShortFingerprint hex={e.signature.key} />
                  {' · '}
                  <span className={e.counted ? 'status status-on' : 'status status-off'} data-cell="counted" title={e.not_counted_because ?? undefined}>
                    {e.counted ? t('statements.counted') : t('statements.notCounted')}
                  </span>
                  {e.not_counted_because && <> · {e.not_counted_because}</>}
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
      <ErrorAlert error={error} />
      {!all && s.history_total > s.history.length && (
        <button type="button" className="secondary" disabled={busy} onClick={() => more()} data-testid="statement-history-all">
          {t('statements.historyAll', { total: s.history_total })}
        </button>
      )}
      {all?.next && (
        <button type="button" className="secondary" disabled={busy} onClick={() => more(all.next!)} data-testid="statement-history-more">
          {t('statements.historyMore')}
        </button>
      )}
    </section>
  );
}
