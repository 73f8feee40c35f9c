import type { Role } from '../auth/roles.js';

/**
 * Who reaches a case's evidence on this node: the team rule, a pure function of the reader,
 * the case's team and its authors.
 *
 * - Administrators and coordinators reach every case.
 * - Officers and analysts reach a case with an empty team (a case nobody was assigned to stays
 *   open to all, as before teams existed); once a case has a team, only its members and the
 *   users who drafted the request (its authors, so that one user's draft-send-upload flow keeps
 *   working) reach it.
 * - Auditors are outside teams: they see attachment metadata and custody and verify, and reach
 *   the files themselves only where the node allows it (`evidenceAuditorsDownload`), whatever
 *   the team.
 *
 * `attachments` covers an attachment's detail (a custody `view`) and uploads; `content` the
 * files themselves (download, a bundle with content).
 */
export interface CaseAccess {
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

export function caseAccess(i: CaseAccessInput): CaseAccess {
  switch (i.role) {
    case 'admin':
    case 'coordinator':
      return { attachments: true, content: true, reason: 'role' };
    case 'auditor':
      return { attachments: true, content: i.auditorsDownload, reason: 'auditor' };
    case 'officer':
    case 'analyst': {
      const reason: CaseAccessReason = i.team.length === 0 ? 'open' : i.team.includes(i.userId) ? 'member' : i.authors.includes(i.userId) ? 'author' : 'outside';
      const allowed = reason !== 'outside';
      return { attachments: allowed, content: allowed, reason };
    }
  }
}

/** Only these roles may be assigned: an auditor verifies, it does not work cases. */
export function assignableRole(role: Role): boolean {
  return role !== 'auditor';
}
