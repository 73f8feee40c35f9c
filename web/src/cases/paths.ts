import type { MouseEvent } from 'react';
import type { Role } from '../api/types.js';

export const CASES_PATH = '/cases';
/** Roles that write and work cases (`cases:write`), and that approve drafts (`cases:approve`). */
export const CASES_WRITE: readonly Role[] = ['admin', 'coordinator', 'officer'];
export const CASES_APPROVE: readonly Role[] = ['admin', 'coordinator'];
/** Roles that assign users to a case's team (`cases:assign`). */
export const CASES_ASSIGN: readonly Role[] = ['admin', 'coordinator'];

export const casePath = (id: string) => `${CASES_PATH}/${encodeURIComponent(id)}`;
export const letterPath = (id: string) => `${casePath(id)}/letter`;
export const draftPath = (id: string) => `${CASES_PATH}/drafts/${encodeURIComponent(id)}`;

/** A link's click handler that navigates in the app (a modified click opens as the browser would). */
export function onLink(navigate: (path: string) => void) {
  return (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(e.currentTarget.getAttribute('href') ?? CASES_PATH);
  };
}
