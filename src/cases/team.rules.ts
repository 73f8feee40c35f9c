import type { Role } from '../auth/roles.js';

/**
 * Who reaches a case on this node: the team rule, a pure function of the reader, the case's
 * team and its authors. It governs the case itself (the list, its detail and history, every
 * action, its drafts once sent) and its evidence.
 *
 * - Administrators and coordinators reach every case.
 * - Officers and analysts reach a case with an empty team (a case nobody was assigned to stays
 *   open to all, as before teams existed); once a case has a team, only its members and the
 *   users who drafted the request (its authors, so that one user's draft-send-upload flow keeps
 *   working) reach it. To everyone else the case does not exist (404, missing from lists).
 * - Auditors are outside teams: they read every case, see attachment metadata and custody and
 *   verify, and reach the files themselves only where the node allows it
 *   (`evidenceAuditorsDownload`), whatever the team.
 *
 * `case` covers the case itself; `attachments` an attachment's detail (a custody `view`) and
 * uploads; `content` the files themselves (download, a bundle with content).
 * `teamRestricts` says for which roles the team counts at all; the case list and the duty desk
 * filter in SQL with the same answer (`caseVisibleSql`, team.service.ts).
 */
export interface CaseAccess {
  case: boolean;
  attachments: boolean;
  content: boolean;
  reason: CaseAccessReason;
}
export const CaseAccessReason = { role: 'role', open: 'open', member: 'member', author: 'author', outside: 'outside', auditor: 'auditor' } as const;
export type CaseAccessReason = (typeof CaseAccessReason)[keyof typeof CaseAccessReason];

export interface CaseAccessInput {
  role: Role;
  userId: string;
  /** User ids of the case's team on this node. */
  team: readonly string[];
  /** User ids of those who drafted the request (outgoing cases only). */
  authors: readonly string[];
  /** The node's `evidenceAuditorsDownload`. */
  auditorsDownload: boolean;
}

/** Whether a case's team limits what users of this role reach (officers and analysts only). */
export function teamRestricts(role: Role): boolean {
  switch (role) {
    case 'admin':
    case 'coordinator':
    case 'auditor':
      return false;
    case 'officer':
    case 'analyst':
      return true;
  }
}

export function caseAccess(i: CaseAccessInput): CaseAccess {
  if (!teamRestricts(i.role)) {
    return i.role === 'auditor' ? { case: true, attachments: true, content: i.auditorsDownload, reason: 'auditor' } : { case: true, attachments: true, content: true, reason: 'role' };
  }
  const reason: CaseAccessReason = i.team.length === 0 ? 'open' : i.team.includes(i.userId) ? 'member' : i.authors.includes(i.userId) ? 'author' : 'outside';
  const allowed = reason !== 'outside';
  return { case: allowed, attachments: allowed, content: allowed, reason };
}

/** Only these roles may be assigned: an auditor verifies, it does not work cases. */
export function assignableRole(role: Role): boolean {
  return role !== 'auditor';
}
