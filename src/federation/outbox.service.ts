import { appendAuditMany, type AuditInput } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import type { DbOrTrx } from '../store/db.js';
import { insertRows } from '../store/insert-rows.js';
import { findPeer } from './peers.repository.js';
import { reserveSeq } from './peers.service.js';
import { checkRelease } from './release-gate.js';
import { holdsNul } from './delivery.rules.js';
import { newMessageId, signEnvelopeCanonical, type Envelope } from './protocol/envelope.js';

/**
 * Puts signed messages for one peer in the durable outbox, inside the caller's transaction:
 * the change that produced them and the messages commit together or not at all. This is the
 * only way into the outbox: each body passes the release gate first, and the audit log
 * records what was released to whom. `alsoAudit`: entries of the caller's own change (or a
 * function of the signed envelopes giving them), appended right after the release's (one read
 * of the chain's head for all).
 */
export async function enqueueMessages<B>(ctx: NodeContext, trx: DbOrTrx, peerId: string, type: string, bodies: B[], issuedAt = new Date().toISOString(), alsoAudit: readonly AuditInput[] | ((envelopes: Envelope<B>[]) => AuditInput[]) = []): Promise<Envelope<B>[]> {
  if (bodies.some(holdsNul)) throw new InvalidInputError('text holding U+0000 cannot be sent: a node cannot store it');
  const peer = await findPeer(trx, peerId);
  if (!peer) throw new NotFoundError(`peer ${peerId}`);
  if (peer.status === 'removed') throw new ConflictError(`peer ${peerId} was removed`);
  checkRelease(ctx, peerId, type, bodies);
  const first = await reserveSeq(trx, peerId, bodies.length);
  const now = new Date().toISOString();
  // The outbox keeps each envelope as its canonical JSON: batches are assembled from that text
  // as it is, without parsing or canonicalising it again.
  const signed = bodies.map((body, i) =>
    signEnvelopeCanonical(ctx.identity, { v: 1, id: newMessageId(), from: ctx.identity.node_id, to: [peerId], type, issued_at: issuedAt, seq: first + i, body }),
  );
  await insertRows(
    trx,
    'outbox',
    { id: 'text', peer_id: 'text', seq: 'integer', type: 'text', envelope: 'text', state: 'text', created_at: 'text', delivered_at: 'text', receipt_id: 'text', reject_reason: 'text' },
    signed.map(({ envelope: e, canonical }) => ({ id: e.id, peer_id: peerId, seq: e.seq!, type, envelope: canonical, state: 'pending' as const, created_at: now, delivered_at: null, receipt_id: null, reject_reason: null })),
  );
  await appendAuditMany(trx, ctx.store.dialect, [
    {
      actor: 'system',
      action: 'federation.release',
      target: `peer:${peerId}`,
      details: { type, count: signed.length, first_seq: first, first_id: signed[0]?.envelope.id ?? null },
    },
    ...(typeof alsoAudit === 'function' ? alsoAudit(signed.map((x) => x.envelope)) : alsoAudit),
  ]);
  return signed.map((s) => s.envelope);
}

/** Marks every message to `peerId` after `afterSeq` for delivery again (a peer's catch-up request). */
export async function redeliverAfter(trx: DbOrTrx, peerId: string, afterSeq: number): Promise<number> {
  const r = await trx
    .updateTable('outbox')
    .set({ state: 'pending', delivered_at: null, receipt_id: null })
    .where('peer_id', '=', peerId)
    .where('seq', '>', afterSeq)
    .where('state', '=', 'delivered')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function outboxCounts(ctx: NodeContext, peerId?: string): Promise<Record<string, number>> {
  let q = ctx.store.db.selectFrom('outbox').select(['state', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('state');
  if (peerId) q = q.where('peer_id', '=', peerId);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export interface Delivery {
  state: string;
  delivered_at: string | null;
  reject_reason: string | null;
  /** The signed receipt of the batch that carried the event (JSON), once the peer answered. */
  receipt: unknown;
}

/** The delivery state of messages this node sent and the peers' signed receipts of them, by message id (for capabilities that show proof of delivery). */
export async function deliveriesOf(db: DbOrTrx, ids: string[]): Promise<Map<string, Delivery>> {
  const out = new Map<string, Delivery>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('outbox').select(['id', 'state', 'delivered_at', 'reject_reason', 'receipt_id']).where('id', 'in', ids).execute();
  const batchIds = [...new Set(rows.map((r) => r.receipt_id).filter((x): x is string => x !== null))];
  const receipts = batchIds.length ? await db.selectFrom('receipts').select(['batch_id', 'receipt']).where('batch_id', 'in', batchIds).execute() : [];
  const byBatch = new Map(receipts.map((r) => [r.batch_id, JSON.parse(r.receipt) as unknown]));
  for (const r of rows) out.set(r.id, { state: r.state, delivered_at: r.delivered_at, reject_reason: r.reject_reason, receipt: r.receipt_id ? (byBatch.get(r.receipt_id) ?? null) : null });
  return out;
}
