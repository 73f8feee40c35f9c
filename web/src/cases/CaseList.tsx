import { useCallback, useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_PRIORITIES, CASE_SORTS, CASE_STATUSES, type CaseDirection, type CaseFilters, type CaseList as CaseListPage, type CaseSort, type CaseSummary } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useFormatRelative } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Options } from '../shared/ui/Field.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { CaseStatusBadge, Deadline, PriorityBadge } from './CaseBadges.js';
import { offenceText, typeTitle } from './catalogue.js';
import { CASES_PATH, CASES_WRITE, casePath, onLink } from './paths.js';
import { CASES_REFRESH_MS, casesApi, useCatalogue } from './useCases.js';

interface Filters {
  direction: CaseDirection | '';
  type: string;
  peer: string;
  status: string;
  priority: string;
  offence: string;
  overdue: boolean;
  q: string;
  sort: CaseSort;
}
const EMPTY: Filters = { direction: '', type: '', peer: '', status: '', priority: '', offence: '', overdue: false, q: '', sort: 'updated' };
const PAGE = 50;

/** The query of GET /api/v1/cases for these filters (empty ones left out). */
function queryOf(f: Filters, after?: string): CaseFilters {
  return {
    ...(f.direction ? { direction: f.direction } : {}),
    ...(f.type ? { type: f.type } : {}),
    ...(f.peer ? { peer: f.peer } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.priority ? { priority: f.priority as NonNullable<CaseFilters['priority']> } : {}),
    ...(f.offence ? { offence: f.offence } : {}),
    ...(f.overdue ? { overdue: true } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    sort: f.sort,
    limit: PAGE,
    ...(after ? { after } : {}),
  };
}

/** Open statuses, as one filter choice ("all open"). */
const OPEN = CASE_STATUSES.filter((s) => !['refused', 'withdrawn', 'closed', 'executed', 'unknown'].includes(s)).join(',');

/** Cases sent and received: direction tabs, filters, search, sort and paging; reloads when the node announces a change. */
export function CaseList({ navigate }: { navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const directory = useNodeDirectory();
  const catalogue = useCatalogue();
  const formatRelative = useFormatRelative();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [search, setSearch] = useState('');
  const [more, setMore] = useState<{ cases: CaseSummary[]; next: string | null } | null>(null);
  const load = useCallback(() => casesApi.list(queryOf(filters)), [filters]);
  const list = useResource<CaseListPage>(load, filters);
  const paging = useAction();
  const reload = list.reload;
  useAutoRefresh(
    useCallback(() => {
      setMore(null);
      void reload();
    }, [reload]),
    CASES_REFRESH_MS,
  );

  function set<K extends keyof Filters>(key: K, value: Filters[K]) {
    setMore(null);
    setFilters((f) => ({ ...f, [key]: value }));
  }
  function handleSearch(e: FormEvent) {
    e.preventDefault();
    set('q', search);
  }
  async function handleMore() {
    const next = more?.next ?? list.data?.next;
    if (!next) return;
    const page = await paging.run(() => casesApi.list(queryOf(filters, next)));
    if (page) setMore((m) => ({ cases: [...(m?.cases ?? []), ...page.cases], next: page.next }));
  }
  function handleTab(e: MouseEvent<HTMLAnchorElement>) {
    e.preventDefault();
    set('direction', (e.currentTarget.dataset.direction ?? '') as Filters['direction']);
  }

  const rows = list.data ? [...list.data.cases, ...(more?.cases ?? [])] : undefined;
  const next = more ? more.next : list.data?.next;
  const types = catalogue.data?.request_types ?? [];
  const offences = catalogue.data?.offences ?? [];
  const peerIds = [...new Set([...directory.peers.map((p) => p.node_id), ...(rows ?? []).map((c) => c.peer)])];

  return (
    <>
      <PageHeader title={t('cases.title')} intro={t('cases.intro')}>
        <div className="button-row case-actions">
          {CASES_WRITE.includes(user.role) && (
            <a className="button" href={`${CASES_PATH}/new`} onClick={onLink(navigate)} data-action="new-request">
              {t('cases.newRequest')}
            </a>
          )}
          <a className="button" href={`${CASES_PATH}/statistics`} onClick={onLink(navigate)}>
            {t('cases.statistics.title')}
          </a>
        </div>
      </PageHeader>
      <nav className="tabs" aria-label={t('cases.directionLabel')}>
        {(['', 'incoming', 'outgoing'] as const).map((d) => (
          <a key={d || 'all'} href={CASES_PATH} data-direction={d} aria-current={filters.direction === d ? 'page' : undefined} onClick={handleTab}>
            {t(`cases.direction.${d || 'all'}`)}
          </a>
        ))}
      </nav>
      <section className="card">
        <form className="case-filters" onSubmit={handleSearch} role="search" aria-label={t('cases.filtersLabel')}>
          <div className="field">
            <label htmlFor="case-q">{t('cases.search')}</label>
            <input id="case-q" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('cases.searchPlaceholder')} />
          </div>
          <div className="field">
            <label htmlFor="case-type">{t('cases.type')}</label>
            <select id="case-type" value={filters.type} onChange={(e) => set('type', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              {types.map((r) => (
                <option key={r.id} value={r.id}>
                  {typeTitle(t, r.id, catalogue.data)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-peer">{t('cases.peer')}</label>
            <select id="case-peer" value={filters.peer} onChange={(e) => set('peer', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              {peerIds.map((id) => (
                <option key={id} value={id}>
                  {directory.label(id).name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-status">{t('cases.statusLabel')}</label>
            <select id="case-status" value={filters.status} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              <option value={OPEN}>{t('cases.openStatuses')}</option>
              <Options values={CASE_STATUSES.filter((s) => s !== 'unknown')} label={(s) => t(`cases.status.${s}`)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-priority">{t('cases.priorityLabel')}</label>
            <select id="case-priority" value={filters.priority} onChange={(e) => set('priority', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              <Options values={CASE_PRIORITIES} label={(p) => t(`cases.priority.${p}`)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-offence">{t('cases.offence')}</label>
            <select id="case-offence" value={filters.offence} onChange={(e) => set('offence', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              {offences.map((o) => (
                <option key={o.id} value={o.id}>
                  {offenceText(t, o)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-sort">{t('cases.sortLabel')}</label>
            <select id="case-sort" value={filters.sort} onChange={(e) => set('sort', e.target.value as CaseSort)}>
              <Options values={CASE_SORTS} label={(s) => t(`cases.sort.${s}`)} />
            </select>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={filters.overdue} onChange={(e) => set('overdue', e.target.checked)} /> {t('cases.overdueOnly')}
          </label>
          <div className="button-row">
            <button type="submit">{t('cases.searchButton')}</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setSearch('');
                setMore(null);
                setFilters(EMPTY);
              }}
            >
              {t('cases.clearFilters')}
            </button>
          </div>
        </form>
      </section>
      <ErrorAlert error={list.error ?? paging.error} />
      <section className="card table-card">
        <ResourceTable
          rows={rows}
          loading={list.loading && !rows}
          emptyText={t('cases.empty')}
          className="cases-table"
          caption={t('cases.tableCaption')}
          columns={[t('cases.subject'), t('cases.type'), t('cases.peer'), t('cases.priorityLabel'), t('cases.statusLabel'), t('cases.nextDeadline'), t('cases.updated')]}
          renderRow={(c) => (
            <tr key={c.case_id} data-case={c.case_id} data-direction={c.direction} className={c.overdue ? 'row-overdue' : undefined}>
              <td data-cell="subject">
                <span className="direction-mark" title={t(`cases.direction.${c.direction}`)}>
                  {c.direction === 'incoming' ? '↓' : '↑'}
                </span>{' '}
                <a href={casePath(c.case_id)} onClick={onLink(navigate)}>
                  {c.subject}
                </a>
                {c.reference && <span className="hint"> {c.reference}</span>}
              </td>
              <td data-cell="type">{typeTitle(t, c.type, catalogue.data)}</td>
              <td data-cell="peer">
                <span title={c.peer}>{directory.label(c.peer).name}</span>
              </td>
              <td data-cell="priority">
                <PriorityBadge priority={c.priority} />
              </td>
              <td data-cell="status">
                <CaseStatusBadge status={c.status} />
              </td>
              <td data-cell="due">{c.next_due ? <Deadline at={c.next_due} overdue={c.overdue} /> : <span className="muted">{t('common.none')}</span>}</td>
              <td data-cell="updated">{formatRelative(c.updated_at)}</td>
            </tr>
          )}
        />
        {next && (
          <div className="button-row">
            <button type="button" className="secondary" onClick={() => void handleMore()} disabled={paging.busy}>
              {t('cases.loadMore')}
            </button>
          </div>
        )}
        <p className="hint refresh-note">{t('cases.autoRefresh')}</p>
      </section>
    </>
  );
}
