import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import type { NodeContext } from '../context.js';
import { listGroups } from './groups.service.js';

export const GroupsDeskKind = {
  /** An open proposal (a group to join, a member to add or remove, a new agreement or charter) that this node has not answered. */
  proposalToAnswer: 'groups.proposal_to_answer',
} as const;

/** Open proposals waiting for this node's consent or refusal, for the roles that answer them. */
async function proposalsToAnswer(ctx: NodeContext): Promise<DeskItem[]> {
  const out: DeskItem[] = [];
  for (const g of await listGroups(ctx)) {
    for (const p of g.proposals) {
      if (!p.awaiting_me) continue;
      const name = g.name ?? (p.change.kind === 'create' ? p.change.name : null) ?? g.id;
      const node = p.change.kind === 'add_member' || p.change.kind === 'remove_member' ? p.change.node : '';
      out.push({
        kind: GroupsDeskKind.proposalToAnswer,
        id: p.id,
        params: { group: name, change: p.change.kind, author: p.author, node },
        link: `/groups/${encodeURIComponent(g.id)}`,
        since: p.created_at,
        // Proposals have no deadline; an invitation to a group is as pressing as any change.
        severity: 'attention',
      });
    }
  }
  return out;
}

/** The groups' part of the duty desk. */
export const groupsDesk: DeskContribution = {
  kinds: Object.values(GroupsDeskKind),
  items: async (ctx, viewer) => (roleMay(ctx.catalog.permissions, viewer.role, 'groups:write') ? proposalsToAnswer(ctx) : []),
};
