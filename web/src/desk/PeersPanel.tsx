import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from '../i18n/format.js';
import type { DeskPeers } from './types.js';

/** The peers in trouble: unreachable, or with messages waiting to go (how many, since when). */
export function PeersPanel({ peers, now, onOpen }: { peers: DeskPeers; now: number; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const troubled = peers.peers.filter((p) => (p.status === 'active' && p.reachable === false) || p.outbox_depth > 0);
  return (
    <section className="card desk-panel" aria-labelledby="desk-peers-title" data-testid="desk-peers">
      <h2 id="desk-peers-title">{t('desk.peers.title')}</h2>
      <p>
        {t('desk.peers.summary', { total: peers.total, unreachable: peers.unreachable, backlog: peers.with_backlog })}
        {peers.oldest_pending_at && <> {t('desk.peers.oldest', { when: formatRelative(peers.oldest_pending_at, language, now) })}</>}
      </p>
      {troubled.length === 0 ? (
        <p className="muted">{peers.total === 0 ? t('desk.peers.none') : t('desk.peers.allWell')}</p>
      ) : (
        <ul className="desk-peer-list">
          {troubled.map((p) => (
            <li key={p.node_id} data-peer={p.node_id}>
              <code>{p.node_id}</code>{' '}
              {p.status === 'active' && p.reachable === false && (
                <span className="status status-off" data-peer-state="unreachable">
                  {t('desk.peers.unreachable')}
                </span>
              )}{' '}
              {p.outbox_depth > 0 && (
                <span className="status status-warn" title={p.oldest_pending_at ? formatDateTime(p.oldest_pending_at, language) : undefined}>
                  {t('desk.peers.backlog', { count: p.outbox_depth, when: p.oldest_pending_at ? formatRelative(p.oldest_pending_at, language, now) : '' })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="link" onClick={onOpen}>
        {t('desk.peers.open')}
      </button>
    </section>
  );
}
