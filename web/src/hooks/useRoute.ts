import { useCallback, useEffect, useState } from 'react';

/** The pages of the app shell, by path. */
export const ROUTES = {
  overview: '/',
  directory: '/directory',
  cases: '/cases',
  intelligence: '/intelligence',
  norms: '/norms',
  federation: '/federation',
  users: '/users',
  audit: '/audit',
  tokens: '/tokens',
  account: '/account',
} as const;
export type RouteName = keyof typeof ROUTES;

export function routeOf(path: string): RouteName | null {
  const clean = path.replace(/\/+$/, '') || '/';
  const hit = (Object.entries(ROUTES) as [RouteName, string][]).find(([, p]) => p === clean);
  return hit ? hit[0] : null;
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
