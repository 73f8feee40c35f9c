import { roleMay } from '../auth/roles.js';
import type { DeskItem, DeskViewer } from '../capability.js';
import type { NodeContext } from '../context.js';
import { listUnacknowledged, unacknowledgedSummary } from './notices.repository.js';

export const NoticesDeskKind = {
  /** A notice from a peer's operators that nobody here has acknowledged. */
  noticeToAcknowledge: 'federation.notice_to_acknowledge',
  /** The unacknowledged notices beyond the ones listed one by one, as one line with their number. */
  moreNoticesToAcknowledge: 'federation.more_notices_to_acknowledge',
} as const;

/** Notices listed one by one; a flood of them (a load test, a noisy peer) becomes one line more. */
const LISTED = 20;

/**
 * Received notices waiting for an acknowledgement, for the roles that acknowledge them
 * (notices:write): the newest one by one, the rest counted in one item.
 */
export async function noticeDeskItems(ctx: NodeContext, viewer: DeskViewer): Promise<DeskItem[]> {
  if (!roleMay(ctx.catalog.permissions, viewer.role, 'notices:write')) return [];
  const listed = await listUnacknowledged(ctx.store.db, ctx.identity.node_id, LISTED + 1);
  const items: DeskItem[] = listed.slice(0, LISTED).map((n) => ({
    kind: NoticesDeskKind.noticeToAcknowledge,
    id: n.id,
    params: { peer: n.from_node, subject: n.subject },
    link: '/notices',
    since: n.received_at,
    severity: 'attention',
  }));
  if (listed.length > LISTED) {
    const all = await unacknowledgedSummary(ctx.store.db);
    items.push({ kind: NoticesDeskKind.moreNoticesToAcknowledge, id: 'more', params: { count: all.count - LISTED }, link: '/notices', since: all.oldest ?? listed[LISTED]!.received_at, severity: 'attention' });
  }
  return items;
}
