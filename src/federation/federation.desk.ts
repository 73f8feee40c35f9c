import { roleMay } from '../auth/roles.js';
import type { DeskContribution } from '../capability.js';
import { listPeers } from './peers.service.js';
import { noticeDeskItems, NoticesDeskKind } from './notices.desk.js';

/**
 * Federation's part of the duty desk: the peers panel (reachability, outbox depth and the
 * age of the oldest pending message per peer), for the roles that may read peers.
 * Received notices to acknowledge are its items (notices.desk.ts).
 */
export const federationDesk: DeskContribution = {
  kinds: Object.values(NoticesDeskKind),
  items: noticeDeskItems,
  async peers(ctx, viewer) {
    if (!roleMay(ctx.catalog.permissions, viewer.role, 'peers:read')) return null;
    return (await listPeers(ctx)).map((p) => ({
      node_id: p.node_id,
      status: p.status,
      reachable: p.reachable,
      last_contact_at: p.last_contact_at,
      last_error_at: p.last_error_at,
      outbox_depth: p.queue_length,
      oldest_pending_at: p.oldest_undelivered_at,
    }));
  },
};
