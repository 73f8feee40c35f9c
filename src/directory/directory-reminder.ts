import type { NodeContext } from '../context.js';
import { notify } from '../notifications/notifications.service.js';
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
  const already = await db.selectFrom('notifications').select('id').where('kind', '=', DirectoryNotification.expiring).where('created_at', '>=', row.published_at).limit(1).executeTakeFirst();
  if (already) return false;
  const users = (await db.selectFrom('users').select('id').where('role', 'in', ['admin', 'coordinator']).where('disabled', '=', 0).execute()).map((u) => u.id);
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
