import { useTranslation } from 'react-i18next';
import type { DirectoryFilters, DirectoryListing } from '../api/types.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { ChannelText, inEscalationOrder } from './DirectoryCard.js';
import { countryName, formatHours, kindLabel, ordinalKey } from './directoryText.js';
import { localName, useDirectorySearch } from './useDirectory.js';
import { otherNames } from '../i18n/names.js';
import { useNow } from './useNow.js';
import './directory.css';

const EVERYTHING: DirectoryFilters = { q: '', country: '', kind: '', group: '', freshness: '' };

function PrintedEntry({ listing }: { listing: DirectoryListing }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const formatDate = useFormatDate();
  const { entry, freshness } = listing;
  const others = otherNames(entry.authority_names, language);
  return (
    <section className="print-entry" data-node={entry.node_id} data-freshness={freshness}>
      <h2>
        {localName(entry.authority_names, language)} <span className="print-country">— {countryName(entry.country, language)}</span>
      </h2>
      {others.length > 0 && <p className="hint">{others.map(([l, n]) => `${l}: ${n}`).join(' · ')}</p>}
      <p className="hint">
        <code>{entry.node_id}</code> · {entry.authority_kinds.map((k) => kindLabel(t, k)).join(', ')} · {t('directory.timeZone')}: {entry.time_zone} · {t('directory.languages')}: {entry.languages.join(', ')} ·{' '}
        {t('directory.versionN', { n: entry.version })} · {t(`directory.freshness.${freshness}`)} · {t('directory.validUntil', { date: formatDate(entry.valid_until) })}
      </p>
      <table className="print-contacts">
        <thead>
          <tr>
            <th scope="col">{t('directory.escalation')}</th>
            <th scope="col">{t('directory.roleLabel')}</th>
            <th scope="col">{t('directory.contact')}</th>
            <th scope="col">{t('directory.hours')}</th>
            <th scope="col">{t('directory.languages')}</th>
            <th scope="col">{t('directory.channels')}</th>
          </tr>
        </thead>
        <tbody>
          {inEscalationOrder(entry.contacts).map((c, i) => (
            <tr key={c.id} data-contact={c.id}>
              <td>{t(ordinalKey, { count: i + 1, ordinal: true })}</td>
              <td>{t(`directory.role.${c.role}`)}</td>
              <td>
                {Object.entries(c.names).map(([l, n]) => (
                  <div key={l}>
                    {n} <span className="hint">({l})</span>
                  </div>
                ))}
              </td>
              <td>{formatHours(c.hours, entry.time_zone, language)}</td>
              <td>{c.languages.join(', ')}</td>
              <td>
                <ul className="plain">
                  {c.channels.map((ch, j) => (
                    <li key={j} data-channel={ch.kind}>
                      <ChannelText channel={ch} />
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The whole directory on paper: every entry with its contacts and channels, when it was generated, and a button for the browser's print dialog (which also saves a PDF). */
export function DirectoryPrint() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const generated = useNow(60_000);
  const { data, error, loading } = useDirectorySearch(EVERYTHING);
  return (
    <div className="directory-print" data-testid="directory-print">
      <div className="print-toolbar no-print">
        <button type="button" className="prominent" onClick={() => window.print()}>
          {t('directory.printButton')}
        </button>
        <p className="hint">{t('directory.printIntro')}</p>
      </div>
      <header className="print-head">
        <h2>{t('directory.printTitle')}</h2>
        <p className="hint" data-testid="generated-at">
          {t('directory.generatedAt', { date: formatDate(generated.toISOString()) })} · {t('directory.resultCount', { n: data?.length ?? 0 })}
        </p>
      </header>
      <LoadState error={error} loading={loading && !data} empty={data?.length === 0} emptyText={t('directory.empty')} />
      {data?.map((l) => (
        <PrintedEntry key={l.entry.node_id} listing={l} />
      ))}
    </div>
  );
}
