import type { NodeContext } from '../context.js';
import { getGroup } from '../groups/groups.service.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { deliveredKeys, findVersionRow, ownVersionGroups, recordDelivery } from './norms.repository.js';
import { deliveriesDue } from './norms.rules.js';
import { NormsMessage } from './norms.message-types.js';
import type { ReportVersion } from './norms.schemas.js';

/**
 * Sends each of our published versions to the members of its groups that do not have it yet:
 * a node that joins a group later receives the versions published to it before. Run by the
 * `norms.deliver` job (and at once after a publication). A member that left is owed nothing
 * new and keeps what it received. A member that is not (or no longer) our peer is skipped and
 * tried again on the next run.
 */
export async function deliverMissingVersions(ctx: NodeContext): Promise<number> {
  const db = ctx.store.db;
  const me = ctx.identity.node_id;
  const versions = await ownVersionGroups(db, me);
  if (versions.length === 0) return 0;
  const membersOf = new Map<string, string[]>();
  for (const g of new Set(versions.flatMap((v) => v.groups))) {
    const detail = await getGroup(ctx, g).catch(() => null);
    // Only an active group this node still belongs to: a node that left a group sends it nothing.
    if (detail && detail.status === 'active' && detail.members.includes(me)) membersOf.set(g, detail.members);
  }
  const due = deliveriesDue(versions, membersOf, await deliveredKeys(db), me);
  let sent = 0;
  for (const d of due) {
    try {
      await db.transaction().execute(async (trx) => {
        const row = await findVersionRow(trx, me, d.version);
        if (!row) return;
        await enqueueMessages(ctx, trx, d.peer, NormsMessage.report, [JSON.parse(row.body) as ReportVersion]);
        await recordDelivery(trx, d.version, d.peer, new Date().toISOString());
      });
      sent++;
    } catch {
      // Not a peer of ours (yet), removed, or refused by the release gate: tried again next run.
    }
  }
  return sent;
}
