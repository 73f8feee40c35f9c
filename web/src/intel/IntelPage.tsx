import { useTranslation } from 'react-i18next';
import { onLink } from '../cases/paths.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { INTEL_PATH, RELEASES_PATH } from './intelApi.js';
import { ObjectList } from './ObjectList.js';
import { ObjectPage } from './ObjectPage.js';
import { ReleasesPage } from './ReleasesPage.js';
import { FEEDS_PATH } from './feedsApi.js';
import { FeedsPage } from './FeedsPage.js';
import './intel.css';

/** Threat intelligence: objects (with import) at /intelligence, an object at /intelligence/objects/ID, releases at /intelligence/releases, feeds at /intelligence/feeds. */
export function IntelPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const objectId = path.startsWith(`${INTEL_PATH}/objects/`) ? decodeURIComponent(path.slice(`${INTEL_PATH}/objects/`.length).replace(/\/+$/, '')) : null;
  if (objectId) return <ObjectPage id={objectId} navigate={navigate} />;
  const releases = path.replace(/\/+$/, '') === RELEASES_PATH;
  const feeds = path.replace(/\/+$/, '') === FEEDS_PATH;
  const link = onLink(navigate);
  return (
    <>
      <PageHeader title={t('intel.title')} intro={t('intel.intro')} />
      <nav className="tabs" aria-label={t('intel.tabs')}>
        <a href={INTEL_PATH} aria-current={releases || feeds ? undefined : 'page'} onClick={link} data-tab="objects">
          {t('intel.tabObjects')}
        </a>
        <a href={RELEASES_PATH} aria-current={releases ? 'page' : undefined} onClick={link} data-tab="releases">
          {t('intel.tabReleases')}
        </a>
        <a href={FEEDS_PATH} aria-current={feeds ? 'page' : undefined} onClick={link} data-tab="feeds">
          {t('intel.tabFeeds')}
        </a>
      </nav>
      {releases ? <ReleasesPage /> : feeds ? <FeedsPage /> : <ObjectList navigate={navigate} />}
    </>
  );
}
