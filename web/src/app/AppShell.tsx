import { useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types.js';
import { AuditPage } from '../audit/AuditPage.js';
import { AccountPage } from '../auth/AccountPage.js';
import { TokensPage } from '../auth/TokensPage.js';
import { UsersPage } from '../auth/UsersPage.js';
import { useSignedIn } from '../auth/useSession.js';
import { titleWithCount } from '../desk/desk.rules.js';
import { DeskContext, useDeskState } from '../desk/useDesk.js';
import { CasesPage, isLetterPath } from '../cases/CasesPage.js';
import { AttachmentsSection } from '../evidence/attachments/AttachmentsSection.js';
import { DirectoryPage } from '../directory/DirectoryPage.js';
import { NoticesPage } from '../federation/NoticesPage.js';
import { PeersPage } from '../federation/PeersPage.js';
import { GroupsPage } from '../groups/GroupsPage.js';
import { IntelPage } from '../intel/IntelPage.js';
import { OverviewPage } from '../node/OverviewPage.js';
import { NodeInfoContext, useNodeInfoResource } from '../node/useNodeInfo.js';
import { NotificationsPage } from '../notifications/NotificationsPage.js';
import { NormsPage } from '../norms/NormsPage.js';
import { PlansPage } from '../plans/PlansPage.js';
import { StatementsPage } from '../statements/StatementsPage.js';
import { ROUTES, routeOf, useRoute, type RouteName } from '../shared/hooks/useRoute.js';
import { LiveChangesContext } from '../shared/hooks/liveChanges.js';
import type { Theme } from '../shared/hooks/useTheme.js';
import { Header } from './Header.js';
import { NotFoundPage } from './NotFoundPage.js';
import { navSections, Sidebar } from './Sidebar.js';

/** What other capabilities add to a case's page. */
const CASE_SECTIONS = [AttachmentsSection];

function mayOpen(role: Role, route: RouteName): boolean {
  return navSections(role).some((s) => s.items.includes(route));
}

/** The signed-in app: header, sidebar and the current page. */
export function AppShell({ theme, onToggleTheme }: { theme: Theme; onToggleTheme: () => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { path, navigate } = useRoute();
  const nodeInfo = useNodeInfoResource();
  const desk = useDeskState();
  const liveChanges = useMemo(() => ({ live: desk.live, tick: desk.tick }), [desk.live, desk.tick]);
  const found = routeOf(path);
  const route = found && mayOpen(user.role, found) ? found : null;

  useEffect(() => {
    // "(3) Overview · Accord": what waits on the duty desk shows even in a background tab.
    document.title = titleWithCount(route ? `${t(`nav.${route}`)} · ${t('app.name')}` : t('app.name'), desk.count);
  }, [route, t, desk.count]);

  function handleAccount() {
    navigate(ROUTES.account);
  }
  function handleHome() {
    navigate(ROUTES.overview);
  }

  let page: ReactNode;
  switch (route) {
    case 'overview':
      page = <OverviewPage info={nodeInfo.data} error={nodeInfo.error} navigate={navigate} />;
      break;
    case 'directory':
      page = <DirectoryPage path={path} navigate={navigate} />;
      break;
    case 'cases':
      page = <CasesPage path={path} navigate={navigate} sections={CASE_SECTIONS} />;
      break;
    case 'intelligence':
      page = <IntelPage path={path} navigate={navigate} />;
      break;
    case 'norms':
      page = <NormsPage path={path} navigate={navigate} />;
      break;
    case 'federation':
      page = <PeersPage />;
      break;
    case 'notices':
      page = <NoticesPage />;
      break;
    case 'plans':
      page = <PlansPage path={path} navigate={navigate} />;
      break;
    case 'statements':
      page = <StatementsPage path={path} navigate={navigate} />;
      break;
    case 'groups':
      page = <GroupsPage path={path} navigate={navigate} />;
      break;
    case 'users':
      page = <UsersPage />;
      break;
    case 'audit':
      page = <AuditPage />;
      break;
    case 'notifications':
      page = <NotificationsPage />;
      break;
    case 'tokens':
      page = <TokensPage />;
      break;
    case 'account':
      page = <AccountPage />;
      break;
    case null:
      page = <NotFoundPage onHome={handleHome} />;
  }

  // A case's letter is a print page: no header, sidebar or skip link.
  const bare = route === 'cases' && isLetterPath(path);
  return (
    <NodeInfoContext.Provider value={nodeInfo.data}>
      <DeskContext.Provider value={desk}>
        <LiveChangesContext.Provider value={liveChanges}>
        {bare ? page : <>
        <a className="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <Header theme={theme} onToggleTheme={onToggleTheme} onAccount={handleAccount} />
        <div className="shell">
          <Sidebar role={user.role} current={route} onNavigate={navigate} />
          <main id="main" className="content" tabIndex={-1}>
            {page}
          </main>
        </div>
        </>}
        </LiveChangesContext.Provider>
      </DeskContext.Provider>
    </NodeInfoContext.Provider>
  );
}
