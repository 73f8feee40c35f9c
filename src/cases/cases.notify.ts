import { enabledUserIdsWithRoles } from '../auth/users.service.js';
import type { NodeContext } from '../context.js';
import { notifyMany, type NotifyInput } from '../notifications/notifications.service.js';
import type { DbOrTrx } from '../store/db.js';
import type { CaseState } from './cases.rules.js';
import { authorIds, teamRows } from './team.repository.js';
import { teamRestricts } from './team.rules.js';

export const CaseNotification = {
  /** A request arrived from a peer: acknowledge it in time. */
  received: 'cases.received',
  /** An urgent or emergency request is still not acknowledged when its time ran out. */
  unacknowledged: 'cases.unacknowledged',
  /** A preservation this node asked for runs out soon: extend it or send the MLA request. */
  preservationExpiring: 'cases.preservation_expiring',
} as const;

/**
 * The users who work cases (the roles holding `cases:write`); with `caseId`, those of them the
 * team rule lets reach that case (team.rules.ts): a case with a team is told to its members and
 * authors, and to the roles the team does not restrict, never to other officers.
 */
export async function caseWorkers(ctx: NodeContext, db: DbOrTrx, caseId?: string): Promise<string[]> {
  const roles = [...(ctx.catalog.permissions.get('cases:write') ?? [])];
  const team = caseId ? (await teamRows(db, caseId)).map((r) => r.user_id) : [];
  if (team.length === 0) return enabledUserIdsWithRoles(db, roles);
  const wide = await enabledUserIdsWithRoles(db, roles.filter((r) => !teamRestricts(r)));
  const narrow = new Set(await enabledUserIdsWithRoles(db, roles.filter(teamRestricts)));
  const reach = [...team, ...(await authorIds(db, caseId!))].filter((id) => narrow.has(id));
  return [...new Set([...wide, ...reach])];
}

/** Tells the case workers of the new cases that arrived in a batch, in one go: each case is told to `workers`. */
export async function notifyIncomingCases(ctx: NodeContext, trx: DbOrTrx, cases: readonly { caseId: string; state: CaseState }[], workers: string[]): Promise<void> {
  if (cases.length > 0) await notifyMany(ctx, trx, cases.map((c) => incomingCaseNotice(c.caseId, c.state, workers)));
}

function incomingCaseNotice(caseId: string, s: CaseState, userIds: string[]): NotifyInput {
  const r = s.request!;
  return {
    kind: CaseNotification.received,
    userIds,
    subject: `[${r.priority}] ${r.type} request from ${s.requesting}: ${r.subject}`.slice(0, 300),
    text: `${s.requesting} sent a ${r.priority} request (${r.type}): ${r.subject}.\nAcknowledge it in Accord: /cases/${caseId}`,
    link: `/cases/${caseId}`,
    data: { case_id: caseId, priority: r.priority, type: r.type, from: s.requesting ?? '' },
  };
}
