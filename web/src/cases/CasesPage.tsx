import { subPathOf } from '../shared/hooks/useRoute.js';
import { CaseDetailPage, type CaseSection } from './CaseDetailPage.js';
import { CaseLetter } from './CaseLetter.js';
import { CaseList } from './CaseList.js';
import { CaseStatisticsPage } from './CaseStatisticsPage.js';
import { DraftForm } from './DraftForm.js';
import './cases.css';

/** `/cases/ID/letter`: the letter page, shown without the app's header and sidebar. */
export function isLetterPath(path: string): boolean {
  return /^\/cases\/[^/]+\/letter\/?$/.test(path);
}

/** Cases: the list, a new request or a draft, the statistics, one case, or its letter, by path. */
export function CasesPage({ path, navigate, sections }: { path: string; navigate: (path: string) => void; sections?: readonly CaseSection[] }) {
  const sub = subPathOf(path, 'cases');
  if (!sub) return <CaseList navigate={navigate} />;
  if (sub === 'new') return <DraftForm key="draft" id={null} navigate={navigate} />;
  if (sub === 'statistics') return <CaseStatisticsPage navigate={navigate} />;
  const draft = /^drafts\/([^/]+)$/.exec(sub);
  if (draft) return <DraftForm key="draft" id={draft[1]!} navigate={navigate} />;
  const letter = /^([^/]+)\/letter$/.exec(sub);
  if (letter) return <CaseLetter id={letter[1]!} navigate={navigate} />;
  return <CaseDetailPage key={sub} id={sub} navigate={navigate} sections={sections} />;
}
