import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import type { NodeContext } from '../context.js';
import { caseVisibleSql, type Reader } from './team.repository.js';

export const CasesDeskKind = {
  /** A request from a peer that nobody here has acknowledged yet. */
  toAcknowledge: 'cases.to_acknowledge',
  /** A case with a deadline passed (acknowledgement aside): execution target, preservation. */
  overdue: 'cases.overdue',
  /** A preservation this node asked for runs out soon. */
  preservationExpiring: 'cases.preservation_expiring',
  /** A draft another user asked to approve (four-eyes). */
  draftToApprove: 'cases.draft_to_approve',
} as const;

const LIMIT = 100;

/** The viewer's cases only: a case with a team shows to its members and authors (team.rules.ts), not to other officers. */
async function caseItems(ctx: NodeContext, now: Date, viewer: Reader): Promise<DeskItem[]> {
  const { db } = ctx.store;
  const visible = caseVisibleSql(viewer, 'cases.case_id');
  const cases = () => (visible ? db.selectFrom('cases').where(visible) : db.selectFrom('cases'));
  const nowIso = now.toISOString();
  const out: DeskItem[] = [];
  const unacknowledged = await cases()
    .select(['case_id', 'peer', 'priority', 'type', 'subject', 'opened_at', 'ack_due'])
    .where('direction', '=', 'incoming')
    .where('status', '=', 'sent')
    .orderBy('ack_due')
    .limit(LIMIT)
    .execute();
  for (const c of unacknowledged) {
    const late = c.ack_due !== null && c.ack_due < nowIso;
    out.push({
      kind: CasesDeskKind.toAcknowledge,
      id: c.case_id,
      params: { peer: c.peer, priority: c.priority, type: c.type, subject: c.subject },
      link: `/cases/${c.case_id}`,
      since: c.opened_at,
      ...(c.ack_due ? { due: c.ack_due } : {}),
      severity: late || c.priority === 'emergency' ? 'urgent' : c.priority === 'urgent' ? 'attention' : 'info',
    });
  }
  const overdue = await cases()
    .select(['case_id', 'peer', 'type', 'subject', 'updated_at', 'next_due', 'direction'])
    .where('next_due', '<', nowIso)
    .where('status', 'not in', ['sent', 'refused', 'withdrawn', 'closed'])
    .orderBy('next_due')
    .limit(LIMIT)
    .execute();
  for (const c of overdue) {
    out.push({ kind: CasesDeskKind.overdue, id: c.case_id, params: { peer: c.peer, type: c.type, subject: c.subject, direction: c.direction }, link: `/cases/${c.case_id}`, since: c.updated_at, due: c.next_due!, severity: 'urgent' });
  }
  const horizon = new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
  const expiring = await cases()
    .select(['case_id', 'peer', 'subject', 'updated_at', 'preservation_until'])
    .where('direction', '=', 'outgoing')
    .where('preservation_until', '>=', nowIso.slice(0, 10))
    .where('preservation_until', '<=', horizon)
    .where('status', 'not in', ['refused', 'withdrawn', 'closed'])
    .limit(LIMIT)
    .execute();
  for (const c of expiring) {
    out.push({ kind: CasesDeskKind.preservationExpiring, id: c.case_id, params: { peer: c.peer, subject: c.subject, until: c.preservation_until! }, link: `/cases/${c.case_id}`, since: c.updated_at, due: `${c.preservation_until}T23:59:59.999Z`, severity: 'attention' });
  }
  return out;
}

async function draftsToApprove(ctx: NodeContext, userRef: string): Promise<DeskItem[]> {
  const rows = await ctx.store.db.selectFrom('case_drafts').select(['id', 'requested', 'content', 'updated_at', 'review_requested_by', 'created_by']).where('status', '=', 'in_review').orderBy('updated_at').limit(LIMIT).execute();
  return rows
    .filter((r) => r.review_requested_by !== userRef && r.created_by !== userRef)
    .map((r) => ({ kind: CasesDeskKind.draftToApprove, id: r.id, params: { peer: r.requested, subject: (JSON.parse(r.content) as { subject?: string }).subject ?? '' }, link: `/cases/drafts/${r.id}`, since: r.updated_at, severity: 'attention' as const }));
}

/** The cases' part of the duty desk: requests to acknowledge (with their deadline), overdue work, expiring preservations, drafts to approve. */
export const casesDesk: DeskContribution = {
  kinds: Object.values(CasesDeskKind),
  items: async (ctx, viewer) => {
    const now = new Date();
    const out = roleMay(ctx.catalog.permissions, viewer.role, 'cases:write') ? await caseItems(ctx, now, { id: viewer.userId, role: viewer.role }) : [];
    if (roleMay(ctx.catalog.permissions, viewer.role, 'cases:approve')) out.push(...(await draftsToApprove(ctx, `user:${viewer.userId}`)));
    return out;
  },
};
