import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { directory } from '../api/endpoints.js';
import { CONTACT_ROLES, FRESHNESS, type DirectoryFilters, type Group } from '../api/types.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { DirectoryCard } from './DirectoryCard.js';
import { useDirectorySearch } from './useDirectory.js';

const EMPTY: DirectoryFilters = { q: '', country: '', kind: '', group: '', freshness: '' };

/** Search in any language, filters, export and the matching entries as cards. */
export function DirectorySearch({ groups }: { groups: Group[] }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [filters, setFilters] = useState<DirectoryFilters>(EMPTY);
  const [query, setQuery] = useState<DirectoryFilters>(EMPTY);
  const { data, error, loading, reload } = useDirectorySearch(query);
  const ids = { q: useId(), country: useId(), kind: useId(), group: useId(), freshness: useId() };
  const countryValid = !filters.country || /^[A-Za-z]{2}$/.test(filters.country);

  function set(name: keyof DirectoryFilters) {
    return (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
      const next = { ...filters, [name]: e.target.value };
      setFilters(next);
      // selects apply at once; typed text waits for Search
      if (e.target instanceof HTMLSelectElement) setQuery(next);
    };
  }

  function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!countryValid) return;
    // searching again for the same thing reloads (entries arrive from peers at any time)
    if (JSON.stringify(filters) === JSON.stringify(query)) void reload();
    else setQuery(filters);
  }

  function handleReset() {
    setFilters(EMPTY);
    setQuery(EMPTY);
  }

  return (
    <>
      <section className="card">
        <form className="form directory-filters" role="search" onSubmit={handleSubmit} aria-label={t('directory.searchLabel')}>
          <div className="form-grid">
            <div className="field field-wide">
              <label htmlFor={ids.q}>{t('directory.search')}</label>
              <input id={ids.q} type="search" name="q" maxLength={200} value={filters.q} onChange={set('q')} placeholder={t('directory.searchPlaceholder')} />
            </div>
            <div className="field">
              <label htmlFor={ids.country}>{t('directory.country')}</label>
              <input id={ids.country} name="country" maxLength={2} size={4} value={filters.country} onChange={set('country')} aria-invalid={!countryValid} placeholder="UZ" />
            </div>
            <div className="field">
              <label htmlFor={ids.kind}>{t('directory.kindLabel')}</label>
              <select id={ids.kind} name="kind" value={filters.kind} onChange={set('kind')}>
                <option value="">{t('directory.any')}</option>
                {CONTACT_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`directory.role.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.group}>{t('directory.group')}</label>
              <select id={ids.group} name="group" value={filters.group} onChange={set('group')}>
                <option value="">{t('directory.any')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name ?? g.id}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.freshness}>{t('directory.freshnessLabel')}</label>
              <select id={ids.freshness} name="freshness" value={filters.freshness} onChange={set('freshness')}>
                <option value="">{t('directory.any')}</option>
                {FRESHNESS.map((f) => (
                  <option key={f} value={f}>
                    {t(`directory.freshness.${f}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {!countryValid && <p className="hint field-error">{t('directory.countryHint')}</p>}
          <FormActions label={t('directory.searchButton')} onCancel={handleReset} cancelLabel={t('directory.reset')}>
            <a className="button secondary" href={directory.exportUrl(query, 'csv', language)} download data-testid="export-csv">
              {t('directory.exportCsv')}
            </a>
            <a className="button secondary" href={directory.exportUrl(query, 'json', language)} download data-testid="export-json">
              {t('directory.exportJson')}
            </a>
          </FormActions>
        </form>
      </section>
      <LoadState error={error} loading={loading && !data} />
      {data && (
        <p className="hint" role="status" data-testid="directory-count">
          {t('directory.resultCount', { n: data.length })}
        </p>
      )}
      <LoadState empty={data?.length === 0} emptyText={t('directory.empty')} emptyClassName="card" />
      <div className="directory-results">
        {data?.map((l) => (
          <DirectoryCard key={l.entry.node_id} listing={l} />
        ))}
      </div>
    </>
  );
}
