import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { directory } from '../api/endpoints.js';
import { FRESHNESS, type DirectoryFilters, type Group } from '../api/types.js';
import { countryCodeOf } from '../shared/forms/countries.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { DirectoryCard } from './DirectoryCard.js';
import { kindLabel } from './directoryText.js';
import { KIND_FILTERS, useDirectorySearch } from './useDirectory.js';
import { useNow } from './useNow.js';
import { usePeerFacts } from './usePeerFacts.js';

const EMPTY: DirectoryFilters = { q: '', country: '', kind: '', group: '', freshness: '' };

/** Search in any language, filters, export and the matching entries as cards. */
export function DirectorySearch({ groups }: { groups: Group[] }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [filters, setFilters] = useState<DirectoryFilters>(EMPTY);
  const [query, setQuery] = useState<DirectoryFilters>(EMPTY);
  const { data, error, loading, reload } = useDirectorySearch(query);
  const queryId = useId();
  // A country by its code or its name in any of the app's languages ("Uzbekistan", "Узбекистан", "UZ").
  const countryCode = filters.country?.trim() ? countryCodeOf(filters.country, [language, 'en', 'ru', 'uz']) : '';
  const countryValid = countryCode !== null;
  const now = useNow();
  const factsOf = usePeerFacts();

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
    if (countryCode === null) return;
    const next = { ...filters, country: countryCode };
    // searching again for the same thing reloads (entries arrive from peers at any time)
    if (JSON.stringify(next) === JSON.stringify(query)) void reload();
    else setQuery(next);
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
              <label htmlFor={queryId}>{t('directory.search')}</label>
              <input id={queryId} type="search" name="q" maxLength={200} value={filters.q} onChange={set('q')} placeholder={t('directory.searchPlaceholder')} />
            </div>
            <Field label={t('directory.country')} name="country" maxLength={60} value={filters.country} onChange={set('country')} invalid={!countryValid} hint={countryValid ? undefined : t('validation.countryUnknown')} placeholder="UZ" />
            <SelectField label={t('directory.kindLabel')} name="kind" value={filters.kind} onChange={set('kind')}>
              <option value="">{t('directory.any')}</option>
              <Options values={KIND_FILTERS} label={(k) => kindLabel(t, k)} />
            </SelectField>
            <SelectField label={t('directory.group')} name="group" value={filters.group} onChange={set('group')}>
              <option value="">{t('directory.any')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name ?? g.id}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('directory.freshnessLabel')} name="freshness" value={filters.freshness} onChange={set('freshness')}>
              <option value="">{t('directory.any')}</option>
              <Options values={FRESHNESS} label={(f) => t(`directory.freshness.${f}`)} />
            </SelectField>
          </div>
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
          <DirectoryCard key={l.entry.node_id} listing={l} now={now} facts={l.own ? undefined : factsOf(l.entry.node_id)} />
        ))}
      </div>
    </>
  );
}
