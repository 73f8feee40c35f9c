import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import type { NodeContext } from '../context.js';
import { listPlanDetails } from './plans.service.js';

export const PlansDeskKind = {
  /** An item this node owns whose deadline has passed while it is planned or in progress. */
  itemOverdue: 'plans.item_overdue',
  /** An item another member proposed for this node to own: accept or decline. */
  itemToAccept: 'plans.item_to_accept',
} as const;

/** This node's overdue items and the items proposed to it, for the roles that update plans. */
async function planItems(ctx: NodeContext, now: Date): Promise<DeskItem[]> {
  const me = ctx.identity.node_id;
  const out: DeskItem[] = [];
  for (const p of await listPlanDetails(ctx, now)) {
    if (p.my_role !== 'member') continue;
    for (const it of p.items) {
      if (it.owner !== me) continue;
      const params = { plan: p.title, item: it.title, deadline: it.deadline, author: it.author, days: it.days_overdue };
      const link = `/plans/${p.id}`;
      if (it.overdue) out.push({ kind: PlansDeskKind.itemOverdue, id: it.id, params, link, since: `${it.deadline}T23:59:59.999Z`, due: `${it.deadline}T23:59:59.999Z`, severity: 'urgent' });
      else if (it.awaiting_me) out.push({ kind: PlansDeskKind.itemToAccept, id: it.id, params, link, since: it.created_at, due: `${it.deadline}T23:59:59.999Z`, severity: 'attention' });
    }
  }
  return out;
}

/** The plans' part of the duty desk. */
export const plansDesk: DeskContribution = {
  kinds: Object.values(PlansDeskKind),
  items: async (ctx, viewer) => (roleMay(ctx.catalog.permissions, viewer.role, 'plans:write') ? planItems(ctx, new Date()) : []),
};
