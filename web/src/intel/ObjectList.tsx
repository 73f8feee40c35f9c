import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useFormatRelative } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { onLink } from '../cases/paths.js';
import { ImportPanel, INTEL_WRITE } from './ImportPanel.js';
import { exportHref, intelApi, objectPath, type IntelObject, type IntelQuery, type Tlp } from './intelApi.js';
import { displayName, STIX_TYPES } from './stix.view.js';
import { TlpBadge } from './TlpBadge.js';

const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const PAGE = 50;

interface Filters {
  type: string;
  tlp: Tlp | '';
  origin: 'local' | 'received' | '';
  q: string;
}
const EMPTY: Filters = { type: '', tlp: '', origin: '', q: '' };

function queryOf(f: Filters, before?: number): IntelQuery {
  return {
    ...(f.type ? { type: f.type } : {}),
    ...(f.tlp ? { tlp: f.tlp } : {}),
    ...(f.origin ? { origin: f.origin } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    limit: PAGE,
    ...(before !== undefined ? { before } : {}),
  };
}

/** The filters of the list as the export takes them (no paging). */
function exportQueryOf(f: Filters): Omit<IntelQuery, 'limit' | 'before'> {
  const { limit: _limit, before: _before, ...rest } = queryOf(f);
  return rest;
}

/** The objects this user may see (newest version of each, newest first): filters, search, paging, and the import of a bundle. */
export function ObjectList({ navigate }: { navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const formatRelative = useFormatRelative();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [search, setSearch] = useState('');
  const [more, setMore] = useState<{ objects: IntelObject[]; next: number | null } | null>(null);
  const load = useCallback(() => intelApi.list(queryOf(filters)), [filters]);
  const list = useResource(load, filters);
  const paging = useAction();

  function set<K extends keyof Filters>(key: K, value: Filters[K]) {
    setMore(null);
    setFilters((f) => ({ ...f, [key]: value }));
  }
  function handleSearch(e: FormEvent) {
    e.preventDefault();
    set('q', search);
  }
  async function handleMore() {
    const next = more ? more.next : list.data?.next;
    if (next === null || next === undefined) return;
    const page = await paging.run(() => intelApi.list(queryOf(filters, next)));
    if (page) setMore((m) => ({ objects: [...(m?.objects ?? []), ...page.objects], next: page.next }));
  }
  function handleImported() {
    setMore(null);
    void list.reload();
  }

  const rows = list.data ? [...list.data.objects, ...(more?.objects ?? [])] : undefined;
  const next = more ? more.next : list.data?.next;
  const link = onLink(navigate);
  return (
    <>
      {INTEL_WRITE.includes(user.role) && <ImportPanel onImported={handleImported} />}
      <form className="intel-filters" onSubmit={handleSearch} role="search" aria-label={t('intel.filters.label')}>
        <div className="field">
          <label htmlFor="intel-q">{t('intel.filters.words')}</label>
          <input id="intel-q" type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="intel-type">{t('intel.filters.type')}</label>
          <select id="intel-type" value={filters.type} onChange={(e) => set('type', e.currentTarget.value)}>
            <option value="">{t('intel.filters.any')}</option>
            {STIX_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="intel-tlp">{t('intel.filters.tlp')}</label>
          <select id="intel-tlp" value={filters.tlp} onChange={(e) => set('tlp', e.currentTarget.value as Tlp | '')}>
            <option value="">{t('intel.filters.any')}</option>
            {TLPS.map((l) => (
              <option key={l} value={l}>
                TLP:{l.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="intel-origin">{t('intel.filters.origin')}</label>
          <select id="intel-origin" value={filters.origin} onChange={(e) => set('origin', e.currentTarget.value as Filters['origin'])}>
            <option value="">{t('intel.filters.any')}</option>
            <option value="local">{t('intel.origin.local')}</option>
            <option value="received">{t('intel.origin.received')}</option>
          </select>
        </div>
        <div className="button-row">
          <button type="submit">{t('intel.filters.search')}</button>
          <a className="button" href={exportHref(exportQueryOf(filters))} download data-action="intel-export" title={t('intel.export.hint')}>
            {t('intel.export.button')}
          </a>
        </div>
      </form>
      <ResourceTable
        rows={rows}
        loading={list.loading}
        error={list.error}
        emptyText={t('intel.empty')}
        className="intel-objects"
        testId="intel-objects"
        columns={[t('intel.columns.tlp'), t('intel.columns.type'), t('intel.columns.name'), t('intel.columns.source'), t('intel.columns.added')]}
        renderRow={(o) => (
          <tr key={o.id} data-id={o.id} data-revoked={o.revoked || undefined}>
            <td>
              <TlpBadge tlp={o.tlp} />
            </td>
            <td>
              <code>{o.type}</code>
            </td>
            <td>
              <a href={objectPath(o.id)} onClick={link}>
                {displayName(o.object)}
              </a>
              {o.revoked && <span className="badge muted">{t('intel.revoked')}</span>}
            </td>
            <td>{o.origin === 'local' ? t('intel.origin.local') : t('intel.origin.receivedFrom', { source: o.source })}</td>
            <td>{formatRelative(o.date_added)}</td>
          </tr>
        )}
      />
      {next !== null && next !== undefined && (
        <p>
          <button type="button" className="secondary" onClick={() => void handleMore()} disabled={paging.busy}>
            {t('intel.more')}
          </button>
        </p>
      )}
      <ErrorAlert error={paging.error} />
    </>
  );
}
