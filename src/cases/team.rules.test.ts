import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles.js';
import { assignableRole, caseAccess, teamRestricts } from './team.rules.js';

const base = { userId: 'u1', team: [] as string[], authors: [] as string[], auditorsDownload: false };

describe('the case team rule', () => {
  it('lets administrators and coordinators reach every case, team or not', () => {
    for (const role of ['admin', 'coordinator'] as Role[]) {
      expect(caseAccess({ ...base, role, team: ['someone-else'] })).toEqual({ case: true, attachments: true, content: true, reason: 'role' });
      expect(caseAccess({ ...base, role })).toEqual({ case: true, attachments: true, content: true, reason: 'role' });
    }
  });

  it('keeps a case with an empty team open to every officer and analyst', () => {
    for (const role of ['officer', 'analyst'] as Role[]) expect(caseAccess({ ...base, role })).toEqual({ case: true, attachments: true, content: true, reason: 'open' });
  });

  it('restricts a case with a team to its members and the authors of its request', () => {
    for (const role of ['officer', 'analyst'] as Role[]) {
      expect(caseAccess({ ...base, role, team: ['u2', 'u1'] }).reason).toBe('member');
      expect(caseAccess({ ...base, role, team: ['u2'], authors: ['u1'] })).toEqual({ case: true, attachments: true, content: true, reason: 'author' });
      expect(caseAccess({ ...base, role, team: ['u2'], authors: ['u3'] })).toEqual({ case: false, attachments: false, content: false, reason: 'outside' });
    }
  });

  it('lets auditors see metadata whatever the team, and the files only where the node allows it', () => {
    expect(caseAccess({ ...base, role: 'auditor', team: ['u2'] })).toEqual({ case: true, attachments: true, content: false, reason: 'auditor' });
    expect(caseAccess({ ...base, role: 'auditor', team: ['u1'] })).toEqual({ case: true, attachments: true, content: false, reason: 'auditor' });
    expect(caseAccess({ ...base, role: 'auditor', auditorsDownload: true })).toEqual({ case: true, attachments: true, content: true, reason: 'auditor' });
  });

  it('answers for every role: content never without attachments, attachments never without the case', () => {
    for (const role of ROLES)
      for (const team of [[], ['u1'], ['u2']])
        for (const auditorsDownload of [false, true]) {
          const a = caseAccess({ ...base, role, team, auditorsDownload });
          expect(!a.content || a.attachments).toBe(true);
          expect(!a.attachments || a.case).toBe(true);
        }
  });

  it('hides a case with a team from exactly the roles the team restricts, and only from outsiders', () => {
    expect(ROLES.filter(teamRestricts)).toEqual(['officer', 'analyst']);
    for (const role of ROLES)
      for (const team of [[], ['u1'], ['u2']])
        for (const authors of [[], ['u1']]) {
          const hidden = teamRestricts(role) && team.length > 0 && !team.includes('u1') && !authors.includes('u1');
          expect(caseAccess({ ...base, role, team, authors }).case, `${role} ${team} ${authors}`).toBe(!hidden);
        }
  });

  it('assigns every role but auditors', () => {
    expect(ROLES.filter(assignableRole)).toEqual(['admin', 'coordinator', 'officer', 'analyst']);
  });
});
