import { roleMay } from '../auth/roles.js';
import type { DeskContribution, DeskItem } from '../capability.js';
import type { NodeContext } from '../context.js';
import { listComments } from './norms.comments.service.js';
import { listDrafts } from './norms.service.js';

export const NormsDeskKind = {
  /** A report draft waiting for a second user's review. */
  draftToReview: 'norms.draft_to_review',
  /** Another state commented on our report (shown for a week). */
  commentReceived: 'norms.comment_received',
} as const;

const WEEK_MS = 7 * 86_400_000;

async function items(ctx: NodeContext, userId: string): Promise<DeskItem[]> {
  const out: DeskItem[] = [];
  for (const d of await listDrafts(ctx)) {
    if (d.state !== 'in_review' || d.created_by === userId || d.updated_by === userId) continue;
    out.push({ kind: NormsDeskKind.draftToReview, id: d.id, params: { draft: d.id.slice(0, 8) }, link: `/norms/drafts/${d.id}`, since: d.updated_at, severity: 'attention' });
  }
  const since = new Date(Date.now() - WEEK_MS).toISOString();
  for (const c of await listComments(ctx, { reportNode: ctx.identity.node_id })) {
    if (c.direction !== 'in' || c.received_at < since) continue;
    out.push({ kind: NormsDeskKind.commentReceived, id: c.id, params: { node: c.author_node, version: c.version, norm: c.norm ?? '' }, link: `/norms/reports/${encodeURIComponent(c.report_node)}/${c.version}`, since: c.received_at, severity: 'info' });
  }
  return out;
}

/** Norms on the duty desk: drafts to review and comments received, for the roles that write reports. */
export const normsDesk: DeskContribution = {
  kinds: Object.values(NormsDeskKind),
  items: async (ctx, viewer) => (roleMay(ctx.catalog.permissions, viewer.role, 'norms:write') ? items(ctx, viewer.userId) : []),
};
