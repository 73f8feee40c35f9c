import { useCallback, useEffect, useState } from 'react';

/** The pages of the app shell, by path. */
export const ROUTES = {
  overview: '/',
  directory: '/directory',
  cases: '/cases',
  intelligence: '/intelligence',
  norms: '/norms',
  plans: '/plans',
  statements: '/statements',
  federation: '/federation',
  notices: '/notices',
  groups: '/groups',
  users: '/users',
  audit: '/audit',
  notifications: '/notifications',
  tokens: '/tokens',
  account: '/account',
} as const;
export type RouteName = keyof typeof ROUTES;

/** Pages with sub-pages: `/groups/ID` is the groups page showing one group, `/directory/own` this node's entry. */
const NESTED: readonly RouteName[] = ['groups', 'directory', 'cases', 'intelligence', 'plans', 'statements', 'norms'];

export function routeOf(path: string): RouteName | null {
  const clean = path.replace(/\/+$/, '') || '/';
  const hit = (Object.entries(ROUTES) as [RouteName, string][]).find(([name, p]) => p === clean || (NESTED.includes(name) && clean.startsWith(`${p}/`)));
  return hit ? hit[0] : null;
}

/** The part of the path after a nested page's own path (`/groups/ID` → `ID`), or null. */
export function subPathOf(path: string, route: RouteName): string | null {
  const prefix = `${ROUTES[route]}/`;
  const rest = path.startsWith(prefix) ? path.slice(prefix.length).replace(/\/+$/, '') : '';
  return rest ? decodeURIComponent(rest) : null;
}

/** A minimal history-API router: the server answers any page path with index.html. */
export function useRoute(): { path: string; navigate: (path: string) => void } {
  const [path, setPath] = useState(() => window.location.pathname);

  useEffect(() => {
    function handlePopState() {
      setPath(window.location.pathname);
    }
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);

  const navigate = useCallback((next: string) => {
    if (next !== window.location.pathname) window.history.pushState(null, '', next);
    setPath(next);
    window.scrollTo(0, 0);
  }, []);

  return { path, navigate };
}
