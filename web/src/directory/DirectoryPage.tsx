import { useCallback, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groups as groupsApi } from '../api/endpoints.js';
import type { Group } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ROUTES, subPathOf } from '../shared/hooks/useRoute.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { DirectoryCard, FreshnessBadge } from './DirectoryCard.js';
import { DirectoryPrint } from './DirectoryPrint.js';
import { DirectorySearch } from './DirectorySearch.js';
import { OwnEntryForm } from './OwnEntryForm.js';
import { PingTests } from './PingTests.js';
import { DIRECTORY_EDIT, useOwnEntry } from './useDirectory.js';

const OWN = 'own';
const PING_TESTS = 'ping-tests';
const PRINT = 'print';

/** The 24/7 points-of-contact directory: search, this node's own entry, and ping tests of the contacts. */
export function DirectoryPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const tab = subPathOf(path, 'directory');
  const own = tab === OWN;
  const ping = tab === PING_TESTS;
  const print = tab === PRINT;
  const loadGroups = useCallback(() => groupsApi.list().catch(() => [] as Group[]), []);
  const { data: groups } = useResource(loadGroups);

  function handleTab(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(e.currentTarget.getAttribute('href') ?? ROUTES.directory);
  }

  return (
    <>
      <PageHeader title={t('directory.title')} intro={t('directory.intro')} />
      <nav className="tabs" aria-label={t('directory.tabsLabel')}>
        <a href={ROUTES.directory} aria-current={own || ping || print ? undefined : 'page'} onClick={handleTab} data-tab="search">
          {t('directory.tabSearch')}
        </a>
        <a href={`${ROUTES.directory}/${OWN}`} aria-current={own ? 'page' : undefined} onClick={handleTab} data-tab="own">
          {t('directory.tabOwn')}
        </a>
        <a href={`${ROUTES.directory}/${PING_TESTS}`} aria-current={ping ? 'page' : undefined} onClick={handleTab} data-tab="ping-tests">
          {t('directory.tabPingTests')}
        </a>
        <a href={`${ROUTES.directory}/${PRINT}`} aria-current={print ? 'page' : undefined} onClick={handleTab} data-tab="print">
          {t('directory.tabPrint')}
        </a>
      </nav>
      {own ? <OwnEntry groups={groups ?? []} /> : ping ? <PingTests groups={groups ?? []} /> : print ? <DirectoryPrint /> : <DirectorySearch groups={groups ?? []} />}
    </>
  );
}

/** This node's entry: its state, re-confirmation, and the editor (read-only for other roles). */
function OwnEntry({ groups }: { groups: Group[] }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading, published, publish, confirm } = useOwnEntry();
  const { busy, error: confirmError, run } = useAction();
  const { label } = useNodeDirectory();
  const formatDate = useFormatDate();
  const editable = (DIRECTORY_EDIT as readonly string[]).includes(user.role);
  const due = data && data.freshness !== 'valid';

  if (loading && data === undefined) return <LoadState loading />;
  return (
    <>
      <ErrorAlert error={error ?? confirmError} />
      {published && (
        <p className="alert alert-success" role="status" data-testid="published">
          {t('directory.publishedVersion', { n: published.entry.version })}{' '}
          {published.published_to.length ? t('directory.publishedTo', { nodes: published.published_to.map((id) => label(id).name).join(', ') }) : t('directory.publishedToNone')}
        </p>
      )}
      <section className="card own-entry-state" data-testid="own-entry-state">
        {data ? (
          <p>
            {t('directory.ownState', { n: data.entry.version, date: formatDate(data.entry.valid_until) })} <FreshnessBadge freshness={data.freshness} />
          </p>
        ) : (
          <p>{t('directory.ownNone')}</p>
        )}
        {due && (
          <div className={`alert ${data.freshness === 'expiring' ? 'alert-warn' : 'alert-error'} reconfirm`}>
            <p>{t(`directory.reconfirmIntro.${data.freshness}`)}</p>
            {editable && (
              <button type="button" className="prominent" disabled={busy} onClick={() => void run(() => confirm())}>
                {busy ? t('directory.reconfirming') : t('directory.reconfirm')}
              </button>
            )}
          </div>
        )}
        {!editable && <p className="hint">{t('directory.readOnly')}</p>}
      </section>
      {editable ? (
        <section className="card">
          <OwnEntryForm key={data ? `v${data.entry.version}` : 'new'} entry={data?.entry ?? null} groups={groups} onPublish={publish} />
        </section>
      ) : (
        data && <DirectoryCard listing={data} now={new Date()} />
      )}
    </>
  );
}
