import { useTranslation } from 'react-i18next';
import type { GroupHistoryEntry } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { NodeRef, ShortFingerprint } from './GroupBadges.js';

/** What a history event did, in words: "Proposal: add a member", "Consent", "Refusal". */
export function useEventText(): (e: Pick<GroupHistoryEntry, 'type' | 'kind'>) => string {
  const { t } = useTranslation();
  return (e) => (e.type === 'proposal' && e.kind ? t('groups.event.proposalOf', { change: t(`groups.change.${e.kind}`) }) : t(`groups.event.${e.type}`));
}

/** The signed membership history: every event with its time, author, kind and signing key. */
export function GroupHistory({ history, label }: { history: GroupHistoryEntry[]; label: (id: string) => NodeLabel }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const eventText = useEventText();
  if (history.length === 0) return <p className="muted">{t('groups.historyEmpty')}</p>;
  return (
    <ol className="timeline" data-testid="group-history">
      {history.map((e) => (
        <li key={e.event_id} data-event={e.event_id} data-type={e.type} data-kind={e.kind ?? undefined} data-counted={String(e.counted)} className={e.counted ? undefined : 'not-counted'}>
          <time dateTime={e.created_at} title={t('groups.receivedAt', { at: formatDate(e.received_at) })}>
            {formatDate(e.created_at)}
          </time>
          <div className="timeline-body">
            <p className="timeline-title">
              <strong data-cell="event">{eventText(e)}</strong>
              {' · '}
              <NodeRef id={e.author} label={label} /> <code className="hint">{e.author}</code>
            </p>
            <p className="hint">
              {t('groups.signedWith')} <ShortFingerprint hex={e.signature.key} />
              {' · '}
              <span className={e.counted ? 'status status-on' : 'status status-off'} data-cell="counted">
                {e.counted ? t('groups.counted') : t('groups.notCounted')}
              </span>
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
