import type { DbOrTrx } from '../store/db.js';
import { insertRows } from '../store/insert-rows.js';
import type { OutboxState } from './federation.tables.js';
import { NoticeDirection, NoticeState, type NoticeCursor } from './notices.rules.js';

/** A notice as the API shows it, received or sent, with its acknowledgement and place in a thread. */
export interface NoticeView {
  id: string;
  direction: NoticeDirection;
  from_node: string;
  to_node: string;
  subject: string;
  text: string;
  issued_at: string;
  /** Received: when it arrived here; sent: when it was queued. */
  received_at: string;
  in_reply_to: string | null;
  /** The first notice of its thread (itself when it starts one). */
  thread_id: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  /** Sent: where the message is in the outbox; received: null. */
  delivery: OutboxState | null;
  reply_count: number;
}

export interface NoticeQuery {
  direction: NoticeDirection;
  state?: NoticeState;
  limit: number;
  cursor?: NoticeCursor | null;
  ids?: string[];
}

function receivedQuery(db: DbOrTrx) {
  return db
    .selectFrom('notices as n')
    .leftJoin('notice_acks as a', 'a.notice_id', 'n.id')
    .leftJoin('notice_threads as t', 't.notice_id', 'n.id')
    .select(['n.id', 'n.from_node as peer', 'n.subject', 'n.text', 'n.issued_at', 'n.received_at as at', 'a.acknowledged_by', 'a.acknowledged_at', 't.in_reply_to', 't.thread_id'])
    .select((eb) => [eb.val<string | null>(null).as('delivery'), eb.selectFrom('notice_threads as r').select((r) => r.fn.countAll<string | number>().as('c')).whereRef('r.in_reply_to', '=', 'n.id').as('reply_count')]);
}

function sentQuery(db: DbOrTrx) {
  return db
    .selectFrom('sent_notices as n')
    .leftJoin('notice_acks as a', 'a.notice_id', 'n.id')
    .leftJoin('notice_threads as t', 't.notice_id', 'n.id')
    .leftJoin('outbox as o', 'o.id', 'n.id')
    .select(['n.id', 'n.to_node as peer', 'n.subject', 'n.text', 'n.issued_at', 'n.issued_at as at', 'a.acknowledged_by', 'a.acknowledged_at', 't.in_reply_to', 't.thread_id', 'o.state as delivery'])
    .select((eb) => eb.selectFrom('notice_threads as r').select((r) => r.fn.countAll<string | number>().as('c')).whereRef('r.in_reply_to', '=', 'n.id').as('reply_count'));
}

interface Row {
  id: string;
  peer: string;
  subject: string;
  text: string;
  issued_at: string;
  at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  in_reply_to: string | null;
  thread_id: string | null;
  delivery: string | null;
  reply_count: string | number | null;
}

function rowToNotice(r: Row, direction: NoticeDirection, self: string): NoticeView {
  const received = direction === NoticeDirection.received;
  return {
    id: r.id,
    direction,
    from_node: received ? r.peer : self,
    to_node: received ? self : r.peer,
    subject: r.subject,
    text: r.text,
    issued_at: r.issued_at,
    received_at: r.at,
    in_reply_to: r.in_reply_to,
    thread_id: r.thread_id ?? r.id,
    acknowledged_by: r.acknowledged_by,
    acknowledged_at: r.acknowledged_at,
    delivery: received ? null : ((r.delivery as OutboxState | null) ?? null),
    reply_count: Number(r.reply_count ?? 0),
  };
}

/**
 * A page of received or sent notices, newest first. `self` is this node's id (the receiver of
 * what it received, the sender of what it sent).
 */
export async function listNotices(db: DbOrTrx, self: string, q: NoticeQuery): Promise<NoticeView[]> {
  const received = q.direction === NoticeDirection.received;
  // Both queries select the same columns; one builder type serves the filters below.
  let query = (received ? receivedQuery(db) : sentQuery(db)) as ReturnType<typeof receivedQuery>;
  const at = received ? 'n.received_at' : 'n.issued_at';
  if (q.state === NoticeState.unacknowledged) query = query.where('a.notice_id', 'is', null);
  if (q.state === NoticeState.acknowledged) query = query.where('a.notice_id', 'is not', null);
  if (q.ids) query = query.where('n.id', 'in', q.ids.length ? q.ids : ['']);
  const c = q.cursor;
  if (c) query = query.where((eb) => eb.or([eb(at as 'n.received_at', '<', c.at), eb.and([eb(at as 'n.received_at', '=', c.at), eb('n.id', '<', c.id)])]));
  const rows = await query
    .orderBy(at as 'n.received_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => rowToNotice(r, q.direction, self));
}

/** One notice by id, received or sent. */
export async function findNotice(db: DbOrTrx, self: string, id: string): Promise<NoticeView | undefined> {
  for (const direction of [NoticeDirection.received, NoticeDirection.sent]) {
    const [n] = await listNotices(db, self, { direction, ids: [id], limit: 1 });
    if (n) return n;
  }
  return undefined;
}

/** Every notice of a thread (sent and received), oldest first. */
export async function listThread(db: DbOrTrx, self: string, threadId: string): Promise<NoticeView[]> {
  const replies = await db.selectFrom('notice_threads').select('notice_id').where('thread_id', '=', threadId).execute();
  const ids = [threadId, ...replies.map((r) => r.notice_id)];
  const all: NoticeView[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    for (const direction of [NoticeDirection.received, NoticeDirection.sent]) all.push(...(await listNotices(db, self, { direction, ids: slice, limit: slice.length })));
  }
  return all.sort((x, y) => x.issued_at.localeCompare(y.issued_at) || x.id.localeCompare(y.id));
}

/** How many received notices no one here has acknowledged yet (for the duty desk and badges). */
export async function countUnacknowledgedNotices(db: DbOrTrx): Promise<number> {
  const r = await db
    .selectFrom('notices as n')
    .leftJoin('notice_acks as a', 'a.notice_id', 'n.id')
    .where('a.notice_id', 'is', null)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many received notices wait for an acknowledgement, and since when the oldest of them waits. */
export async function unacknowledgedSummary(db: DbOrTrx): Promise<{ count: number; oldest: string | null }> {
  const r = await db
    .selectFrom('notices as n')
    .leftJoin('notice_acks as a', 'a.notice_id', 'n.id')
    .where('a.notice_id', 'is', null)
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('n.received_at').as('oldest')])
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), oldest: r.oldest ?? null };
}

/** The newest received notices no one here has acknowledged yet. */
export function listUnacknowledged(db: DbOrTrx, self: string, limit = 100): Promise<NoticeView[]> {
  return listNotices(db, self, { direction: NoticeDirection.received, state: NoticeState.unacknowledged, limit });
}

export interface SentNoticeRow {
  id: string;
  to_node: string;
  subject: string;
  text: string;
  issued_at: string;
  sent_by: string;
  in_reply_to?: string;
  thread_id?: string;
}

/** Keeps what this node sent, in the transaction that queued it; a reply joins its thread. */
export async function recordSentNotices(trx: DbOrTrx, rows: SentNoticeRow[]): Promise<void> {
  await insertRows(
    trx,
    'sent_notices',
    { id: 'text', to_node: 'text', subject: 'text', text: 'text', issued_at: 'text', sent_by: 'text' },
    rows.map((r) => ({ id: r.id, to_node: r.to_node, subject: r.subject, text: r.text, issued_at: r.issued_at, sent_by: r.sent_by })),
  );
  const replies = rows.flatMap((r) => (r.in_reply_to ? [{ notice_id: r.id, in_reply_to: r.in_reply_to, thread_id: r.thread_id ?? r.in_reply_to }] : []));
  if (replies.length) await trx.insertInto('notice_threads').values(replies).execute();
}

/**
 * Places received replies in their threads: the thread of the notice each answers when this
 * node exchanged that notice with the same peer, a thread of the unknown original otherwise.
 * A reply naming a notice exchanged with another peer joins no thread: a peer cannot slip its
 * notices into a conversation it is not part of.
 */
export async function recordReceivedReplies(trx: DbOrTrx, replies: { notice_id: string; from: string; in_reply_to: string }[]): Promise<void> {
  if (replies.length === 0) return;
  const peerOf = new Map<string, string>();
  const threadOf = new Map<string, string>();
  const originals = [...new Set(replies.map((r) => r.in_reply_to))];
  for (let i = 0; i < originals.length; i += 500) {
    const slice = originals.slice(i, i + 500);
    for (const n of await trx.selectFrom('notices').select(['id', 'from_node as peer']).where('id', 'in', slice).execute()) peerOf.set(n.id, n.peer);
    for (const n of await trx.selectFrom('sent_notices').select(['id', 'to_node as peer']).where('id', 'in', slice).execute()) peerOf.set(n.id, n.peer);
    for (const t of await trx.selectFrom('notice_threads').select(['notice_id', 'thread_id']).where('notice_id', 'in', slice).execute()) threadOf.set(t.notice_id, t.thread_id);
  }
  const rows = replies.flatMap((r) => {
    const peer = peerOf.get(r.in_reply_to);
    if (peer !== undefined && peer !== r.from) return [];
    return [{ notice_id: r.notice_id, in_reply_to: r.in_reply_to, thread_id: threadOf.get(r.in_reply_to) ?? r.in_reply_to }];
  });
  if (rows.length) await trx.insertInto('notice_threads').values(rows).onConflict((oc) => oc.column('notice_id').doNothing()).execute();
}

export interface AckRow {
  notice_id: string;
  acknowledged_by: string;
  acknowledged_at: string;
  user_ref: string | null;
  message_id: string;
}

/** Records an acknowledgement unless the notice has one: true when this one was kept. */
export async function insertAck(trx: DbOrTrx, ack: AckRow): Promise<boolean> {
  const r = await trx
    .insertInto('notice_acks')
    .values({ ...ack, recorded_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('notice_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function setAckMessage(trx: DbOrTrx, noticeId: string, messageId: string): Promise<void> {
  await trx.updateTable('notice_acks').set({ message_id: messageId }).where('notice_id', '=', noticeId).execute();
}

/** A notice this node sent, as an incoming acknowledgement needs it. */
export async function findSentForAck(trx: DbOrTrx, id: string): Promise<{ to_node: string; issued_at: string; acknowledged: boolean } | undefined> {
  const r = await trx.selectFrom('sent_notices as n').leftJoin('notice_acks as a', 'a.notice_id', 'n.id').select(['n.to_node', 'n.issued_at', 'a.notice_id as ack']).where('n.id', '=', id).executeTakeFirst();
  return r ? { to_node: r.to_node, issued_at: r.issued_at, acknowledged: r.ack !== null } : undefined;
}
