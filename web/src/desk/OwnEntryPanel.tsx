import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from '../i18n/format.js';
import type { DeskOwnEntry } from './types.js';

const FRESHNESS_CLASS: Record<DeskOwnEntry['freshness'], string> = {
  valid: 'status status-on',
  expiring: 'status status-warn',
  stale: 'status status-warn',
  expired: 'status status-off',
  missing: 'status status-off',
};

/** This node's own directory entry: when it was published, until when it holds, whether to renew it. */
export function OwnEntryPanel({ entry, now, onOpen }: { entry: DeskOwnEntry; now: number; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return (
    <section className="card desk-panel" aria-labelledby="desk-entry-title" data-testid="desk-own-entry">
      <h2 id="desk-entry-title">{t('desk.entry.title')}</h2>
      <p>
        <span className={FRESHNESS_CLASS[entry.freshness]} data-freshness={entry.freshness}>
          {t(`desk.freshness.${entry.freshness}`)}
        </span>
      </p>
      {entry.published_at && entry.valid_until ? (
        <dl className="facts">
          <dt>{t('desk.entry.published')}</dt>
          <dd title={formatDateTime(entry.published_at, language)}>{formatRelative(entry.published_at, language, now)}</dd>
          <dt>{t('desk.entry.validUntil')}</dt>
          <dd title={formatDateTime(entry.valid_until, language)}>{formatRelative(entry.valid_until, language, now)}</dd>
        </dl>
      ) : (
        <p className="muted">{t('desk.entry.missing')}</p>
      )}
      <button type="button" className="link" onClick={onOpen}>
        {t('desk.entry.open')}
      </button>
    </section>
  );
}
