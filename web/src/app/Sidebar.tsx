import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types.js';
import { DeskCountBadge } from '../desk/DeskCountBadge.js';
import { PEERS_VIEW } from '../federation/usePeers.js';
import { ROUTES, type RouteName } from '../shared/hooks/useRoute.js';

interface NavSection {
  title: string;
  items: RouteName[];
}

const ADMIN_VIEW: readonly Role[] = ['admin', 'auditor'];

/** The pages this role may open, grouped as the sidebar shows them. */
export function navSections(role: Role): NavSection[] {
  const administration: RouteName[] = ADMIN_VIEW.includes(role) ? ['users', 'audit'] : [];
  const cooperation: RouteName[] = ['overview', 'directory', 'cases', 'intelligence', 'norms', 'plans', 'statements'];
  const federation: RouteName[] = [...(PEERS_VIEW.includes(role) ? (['federation'] as const) : []), 'notices', 'groups'];
  return [
    { title: 'nav.sectionCooperation', items: cooperation },
    { title: 'nav.sectionFederation', items: federation },
    ...(administration.length ? [{ title: 'nav.sectionAdministration', items: administration }] : []),
    { title: 'nav.sectionPersonal', items: ['notifications', 'tokens', 'account'] },
  ];
}

export function Sidebar({ role, current, onNavigate }: { role: Role; current: RouteName | null; onNavigate: (path: string) => void }) {
  const { t } = useTranslation();

  function handleClick(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onNavigate(e.currentTarget.getAttribute('href') ?? '/');
  }

  return (
    <nav className="sidebar" aria-label={t('nav.label')}>
      {navSections(role).map((section) => (
        <div key={section.title} className="nav-section">
          <p className="nav-title">{t(section.title)}</p>
          <ul>
            {section.items.map((name) => (
              <li key={name}>
                <a href={ROUTES[name]} aria-current={current === name ? 'page' : undefined} onClick={handleClick} data-nav={name}>
                  {t(`nav.${name}`)}
                  {name === 'overview' && <DeskCountBadge />}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
