import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { sendNotice } from './federation.service.js';
import { NoticeAckType } from './notices.messages.js';
import { findNotice, insertAck, listThread, setAckMessage, type NoticeView } from './notices.repository.js';
import { NoticeDirection, threadOfReply } from './notices.rules.js';
import { enqueueMessages } from './outbox.service.js';

/** A notice with every notice of its thread (itself included), oldest first. */
export async function noticeWithThread(ctx: NodeContext, id: string): Promise<{ notice: NoticeView; thread: NoticeView[] }> {
  const self = ctx.identity.node_id;
  const notice = await findNotice(ctx.store.db, self, id);
  if (!notice) throw new NotFoundError(`notice ${id}`);
  return { notice, thread: await listThread(ctx.store.db, self, notice.thread_id) };
}

/**
 * Acknowledges a received notice: records who and when, and sends the signed acknowledgement
 * back to its sender through the outbox, with its audit entry, in one transaction. The first
 * acknowledgement stays: acknowledging again changes nothing and answers with the same notice.
 */
export async function acknowledgeNotice(ctx: NodeContext, actor: Actor, id: string, name: string): Promise<{ notice: NoticeView; already: boolean }> {
  const { db, dialect } = ctx.store;
  const self = ctx.identity.node_id;
  const already = await db.transaction().execute(async (trx) => {
    const n = await findNotice(trx, self, id);
    if (!n) throw new NotFoundError(`notice ${id}`);
    if (n.direction === NoticeDirection.sent) throw new ConflictError('only a notice received from a peer can be acknowledged here; the peer acknowledges the ones this node sent');
    const at = new Date().toISOString();
    // The primary key decides between two officers acknowledging at once; the second sends nothing.
    if (!(await insertAck(trx, { notice_id: id, acknowledged_by: name, acknowledged_at: at, user_ref: actor.ref, message_id: '' }))) return true;
    const [ack] = await enqueueMessages(ctx, trx, n.from_node, NoticeAckType.type, [{ notice_id: id, acknowledged_by: name, acknowledged_at: at }]);
    await setAckMessage(trx, id, ack!.id);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'federation.notice_ack', target: `notice:${id}`, details: { peer: n.from_node, message_id: ack!.id } });
    return false;
  });
  return { notice: (await findNotice(db, self, id))!, already };
}

/** Sends a notice that answers `id` to the other node of its thread; it joins that thread on both sides. */
export async function replyToNotice(ctx: NodeContext, actor: Actor, id: string, subject: string, text: string): Promise<NoticeView> {
  // The route's schema checks these; the CLI comes here directly.
  if (subject.trim().length === 0 || subject.length > 200) throw new InvalidInputError('subject must be 1 to 200 characters');
  if (text.length > 10_000) throw new InvalidInputError('text must be at most 10000 characters');
  const self = ctx.identity.node_id;
  const original = await findNotice(ctx.store.db, self, id);
  if (!original) throw new NotFoundError(`notice ${id}`);
  const peer = original.direction === NoticeDirection.received ? original.from_node : original.to_node;
  const [sent] = await sendNotice(ctx, actor, peer, subject, text, 1, { inReplyTo: original.id, threadId: threadOfReply(original) });
  return (await findNotice(ctx.store.db, self, sent!))!;
}
