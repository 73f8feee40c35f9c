import { useTranslation } from 'react-i18next';
import type { CaseDetail, CaseHistoryEntry, Receipt } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { groupFingerprint } from '../node/useNodeInfo.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { groundText } from './catalogue.js';

/** What an event says beyond its action: the date kept until, the text, the grounds. */
function EventBody({ entry, instrument }: { entry: CaseHistoryEntry; instrument: string }) {
  const { t } = useTranslation();
  const b = (entry.body ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof b.until === 'string') parts.push(t('cases.timeline.until', { date: b.until }));
  if (typeof b.extent === 'string') parts.push(t(`cases.extent.${b.extent}`, { defaultValue: b.extent }));
  if (typeof b.days === 'number') parts.push(t('cases.timeline.days', { count: b.days }));
  if (typeof b.authority === 'string') parts.push(b.authority);
  if (Array.isArray(b.grounds)) parts.push((b.grounds as string[]).map((g) => groundText(t, g, instrument)).join('; '));
  for (const k of ['text', 'reasons', 'conditions', 'note'] as const) if (typeof b[k] === 'string') parts.push(b[k]);
  if (parts.length === 0) return null;
  return <p className="event-body pre-wrap">{parts.join(' · ')}</p>;
}

/** The delivery of one of this node's events, and the peer's signed receipt of it. */
function Delivery({ delivery }: { delivery: NonNullable<CaseHistoryEntry['delivery']> }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const receipt = delivery.receipt as Receipt | null | undefined;
  return (
    <div className="delivery" data-delivery={delivery.state}>
      <span className={delivery.state === 'delivered' ? 'status status-on' : delivery.state === 'failed' || delivery.state === 'rejected' ? 'status status-off' : 'status status-warn'}>
        {t(`cases.delivery.${delivery.state}`, { defaultValue: delivery.state })}
      </span>
      {delivery.delivered_at && <span className="hint"> {formatDate(delivery.delivered_at)}</span>}
      {delivery.reject_reason && <span className="hint"> {delivery.reject_reason}</span>}
      {receipt && (
        <details className="receipt" data-receipt>
          <summary>{t('cases.timeline.receipt')}</summary>
          <dl className="facts">
            <dt>{t('cases.timeline.signedBy')}</dt>
            <dd data-receipt-by={receipt.by}>{receipt.by}</dd>
            <dt>{t('cases.timeline.receivedAt')}</dt>
            <dd>{formatDate(receipt.received_at)}</dd>
            <dt>{t('cases.timeline.key')}</dt>
            <dd>
              <code>{receipt.sig.suite}</code> <code className="fingerprint muted">{groupFingerprint(receipt.sig.key)}</code>
            </dd>
            <dt>{t('cases.timeline.items')}</dt>
            <dd>{receipt.items.map((i) => t(`cases.timeline.itemStatus.${i.status}`, { defaultValue: i.status })).join(', ')}</dd>
          </dl>
          <details>
            <summary>{t('cases.timeline.receiptJson')}</summary>
            <pre className="json">{JSON.stringify(receipt, null, 2)}</pre>
          </details>
        </details>
      )}
    </div>
  );
}

/** The case's signed events in order: who did what when; events not counted struck through with the reason. */
export function Timeline({ detail, label }: { detail: CaseDetail; label: (id: string) => NodeLabel }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('cases.timeline.title')}</h2>
      <ol className="case-timeline">
        {detail.history.map((h) => {
          const who = label(h.author);
          return (
            <li key={`${h.author} ${h.event_id}`} className={h.counted ? 'event' : 'event event-ignored'} data-event={h.event_id} data-action={h.action} data-author={h.author} data-counted={String(h.counted)}>
              <p className="event-head">
                <span className="event-action">{h.counted ? t(`cases.events.${h.action}`, { defaultValue: h.action }) : <s>{t(`cases.events.${h.action}`, { defaultValue: h.action })}</s>}</span>
                {' · '}
                <span className={who.self ? 'status-self' : undefined} title={h.author}>
                  {who.self ? t('cases.timeline.thisNode', { name: who.name }) : who.name}
                </span>
                {h.party && <span className="hint"> ({t(`cases.party.${h.party}`)})</span>}
                {' · '}
                <time dateTime={h.created_at}>{formatDate(h.created_at)}</time>
              </p>
              {!h.counted && h.ignored_because && (
                <p className="hint event-ignored-reason" data-ignored-because>
                  {t('cases.timeline.ignored', { reason: h.ignored_because })}
                </p>
              )}
              <EventBody entry={h} instrument={detail.request.legal_basis.instrument} />
              {h.delivery && <Delivery delivery={h.delivery} />}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
