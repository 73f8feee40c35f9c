import './norms.css';
import { useTranslation } from 'react-i18next';
import { subPathOf } from '../shared/hooks/useRoute.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { CataloguePanel } from './CataloguePanel.js';
import { DraftEditor, DraftsPanel } from './DraftsPanel.js';
import { MatrixPanel } from './MatrixPanel.js';
import { NORMS_PATH } from './normsApi.js';
import { ReportPage } from './ReportPage.js';

const TABS = [
  ['compare', NORMS_PATH],
  ['drafts', `${NORMS_PATH}/drafts`],
  ['catalogue', `${NORMS_PATH}/catalogue`],
] as const;

/** Norms: the comparison matrix (default), reports and their versions, this node's drafts, the catalogue. */
export function NormsPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const sub = subPathOf(path, 'norms') ?? '';
  const parts = sub.split('/');
  let body;
  if (parts[0] === 'catalogue') body = <CataloguePanel />;
  else if (parts[0] === 'drafts' && parts[1]) body = <DraftEditor id={parts[1]} onBack={() => navigate(`${NORMS_PATH}/drafts`)} />;
  else if (parts[0] === 'drafts') body = <DraftsPanel navigate={navigate} />;
  else if (parts[0] === 'reports' && parts[1] && Number(parts[2]) > 0) body = <ReportPage node={parts[1]} version={Number(parts[2])} navigate={navigate} />;
  else body = <MatrixPanel navigate={navigate} />;
  const current = parts[0] === 'catalogue' ? 'catalogue' : parts[0] === 'drafts' ? 'drafts' : 'compare';

  return (
    <>
      <PageHeader title={t('norms.title')} intro={t('norms.intro')} />
      <nav className="norms-tabs" aria-label={t('norms.title')}>
        {TABS.map(([name, href]) => (
          <a key={name} href={href} aria-current={current === name ? 'page' : undefined} onClick={(e) => (e.preventDefault(), navigate(href))}>
            {t(`norms.tabs.${name}`)}
          </a>
        ))}
      </nav>
      {body}
    </>
  );
}
