import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import type { NodeContext } from '../context.js';
import { getStatement, listStatements } from './statements.service.js';

export const StatementsDeskKind = {
  /** An open amendment by another member that this node has not answered. */
  amendmentToAnswer: 'statements.amendment_to_answer',
  /** A proposed adoption of the current version that this node has not consented to. */
  adoptionToConsent: 'statements.adoption_to_consent',
  /** An adopted statement this node, a party, has not signed yet. */
  toSign: 'statements.to_sign',
} as const;

/** What waits for this node in the statements of its groups. */
export async function statementItems(ctx: NodeContext): Promise<DeskItem[]> {
  const me = ctx.identity.node_id;
  const out: DeskItem[] = [];
  for (const sum of await listStatements(ctx)) {
    if (sum.my_role !== 'member') continue;
    const s = await getStatement(ctx, sum.id);
    const link = `/statements/${s.id}`;
    const base = { title: s.title, kind: s.kind };
    for (const a of s.amendments) {
      if (a.status !== 'open' || a.accepts.includes(me) || a.refusals.some((r) => r.node === me)) continue;
      out.push({ kind: StatementsDeskKind.amendmentToAnswer, id: a.id, params: { ...base, author: a.author, languages: Object.keys(a.texts).sort().join(', ') }, link, since: a.created_at, severity: 'attention' });
    }
    const proposal = s.adoption_proposals.find((p) => p.digest === s.digest);
    if (s.status === 'drafting' && proposal && !s.i_consented) out.push({ kind: StatementsDeskKind.adoptionToConsent, id: proposal.id, params: { ...base, author: proposal.author }, link, since: proposal.created_at, severity: 'attention' });
    if (s.i_must_sign) out.push({ kind: StatementsDeskKind.toSign, id: s.id, params: { ...base }, link, since: s.adopted_at!, severity: 'attention' });
  }
  return out;
}

/** The statements' part of the duty desk, for the roles that draft and sign them. */
export const statementsDesk: DeskContribution = {
  kinds: Object.values(StatementsDeskKind),
  items: async (ctx, viewer) => (roleMay(ctx.catalog.permissions, viewer.role, 'statements:write') ? statementItems(ctx) : []),
};
