import type { NodeContext } from '../context.js';
import { enabledUserIdsWithRoles } from '../auth/users.service.js';
import { notifiedSince, notify } from '../notifications/notifications.service.js';
import { findEntryRow } from './directory.repository.js';
import { DirectoryNotification, freshnessOf } from './directory.rules.js';

/**
 * Before this node's entry runs out, its coordinators are asked — once per published
 * version — to re-confirm it (kind `directory.expiring`, by their notification preferences).
 */
export async function remindToReconfirm(ctx: NodeContext, now = new Date()): Promise<boolean> {
  const { db } = ctx.store;
  const row = await findEntryRow(db, ctx.identity.node_id);
  if (!row) return false;
  const f = freshnessOf(row, now, ctx.settings.directoryStaleAfterDays);
  if (f === 'valid') return false;
  if (await notifiedSince(db, DirectoryNotification.expiring, row.published_at)) return false;
  const users = await enabledUserIdsWithRoles(db, ['admin', 'coordinator']);
  if (users.length === 0) return false;
  const base = ctx.settings.publicUrl ?? '';
  await db.transaction().execute((trx) =>
    notify(ctx, trx, {
      kind: DirectoryNotification.expiring,
      userIds: users,
      subject: `Directory entry of ${ctx.identity.node_id} ${f === 'expired' ? 'has expired' : 'needs re-confirmation'} (valid until ${row.valid_until})`,
      text: `The directory entry (version ${row.version}) is ${f}. Check the contacts and re-confirm it: ${base}/directory/own`,
      link: `${base}/directory/own`,
      data: { version: Number(row.version), valid_until: row.valid_until },
    }),
  );
  return true;
}
