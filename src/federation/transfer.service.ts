import { Compile } from 'typebox/compile';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { BatchRefusedError, receiveBatch, type Batch } from './inbox.service.js';
import { nestsDeeperThan } from './protocol/batch-scan.js';
import { isPending } from './outbox.conditions.js';
import { findPeer } from './peers.repository.js';
import type { Envelope } from './protocol/envelope.js';
import type { MessageTypeRegistry } from './protocol/message-types.js';
import type { Receipt } from './protocol/receipt.js';
import { BatchSchema, ReceiptSchema } from './protocol/schemas.js';
import { applyReceipt, buildBatch, receiptIsFor } from './transport.js';

/**
 * Air-gapped links: the messages for a peer are written to a file as one signed batch,
 * carried across, and imported on the other side with the same checks (but for the replay
 * window); the signed receipt travels back on a file too and settles the outbox.
 */
export const TRANSFER_FORMAT = 'accord-transfer/v1';
export const RECEIPT_FORMAT = 'accord-receipt/v1';

const checkBatch = Compile(BatchSchema);
const checkReceipt = Compile(ReceiptSchema);

export interface TransferFile {
  format: typeof TRANSFER_FORMAT;
  batch: Batch;
}

export async function exportForPeer(ctx: NodeContext, actor: Actor, peerId: string, max = 5000): Promise<TransferFile | null> {
  const { db, dialect } = ctx.store;
  if (!(await findPeer(db, peerId))) throw new NotFoundError(`peer ${peerId}`);
  const rows = await db.selectFrom('outbox').select(['id', 'envelope']).where('peer_id', '=', peerId).where(isPending).orderBy('seq').limit(max).execute();
  if (rows.length === 0) return null;
  const batch = buildBatch(ctx, peerId, rows.map((r) => JSON.parse(r.envelope) as Envelope));
  await db.transaction().execute(async (trx) => {
    // Remembered so that only this batch's receipt can settle these messages.
    await trx.insertInto('transfer_batches').values({ batch_id: batch.id, peer_id: peerId, message_ids: JSON.stringify(rows.map((r) => r.id)), created_at: new Date().toISOString() }).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, action: 'federation.transfer_export', target: `peer:${peerId}`, details: { batch_id: batch.id, messages: rows.length } });
  });
  return { format: TRANSFER_FORMAT, batch };
}

/**
 * Imports a transfer file. A batch refused as a whole (a file altered on the way, another
 * node's file) gets no receipt: the error says why, and the sender simply exports again.
 */
export async function importTransfer(ctx: NodeContext, registry: MessageTypeRegistry, actor: Actor, file: unknown): Promise<{ format: typeof RECEIPT_FORMAT; receipt: Receipt }> {
  const f = file as Partial<TransferFile>;
  if (f?.format !== TRANSFER_FORMAT || nestsDeeperThan(f.batch) || !checkBatch.Check(f.batch)) throw new InvalidInputError(`not an ${TRANSFER_FORMAT} file`);
  const batch = f.batch;
  const { db, dialect } = ctx.store;
  const audit = (details: Record<string, unknown>) => db.transaction().execute((trx) => appendAudit(trx, dialect, { actor: actor.ref, action: 'federation.transfer_import', target: `peer:${batch.from}`, details: { batch_id: batch.id, ...details } }));
  let r;
  try {
    r = await receiveBatch(ctx, registry, batch, { offline: true });
  } catch (e) {
    if (e instanceof BatchRefusedError) await audit({ refused: e.reason });
    throw e;
  }
  await audit({ accepted: r.receipt.items.filter((i) => i.status === 'accepted').length });
  return { format: RECEIPT_FORMAT, receipt: r.receipt };
}

/**
 * Imports a peer's receipt for a transfer file: it settles only a batch this node wrote for
 * that peer, and within it only the messages whose digests match (applyReceipt).
 */
export async function importReceipt(ctx: NodeContext, actor: Actor, file: unknown): Promise<{ delivered: number; rejected: number; ignored: number }> {
  const f = file as { format?: string; receipt?: Receipt };
  if (f?.format !== RECEIPT_FORMAT || nestsDeeperThan(f.receipt) || !checkReceipt.Check(f.receipt)) throw new InvalidInputError(`not an ${RECEIPT_FORMAT} file`);
  const receipt = f.receipt;
  const peer = await findPeer(ctx.store.db, receipt.by);
  if (!peer) throw new NotFoundError(`peer ${receipt.by}`);
  if (!receiptIsFor(receipt, receipt.batch_id, peer)) throw new InvalidInputError('the receipt is not signed by the peer');
  const sent = await ctx.store.db.selectFrom('transfer_batches').select('message_ids').where('batch_id', '=', receipt.batch_id).where('peer_id', '=', peer.node_id).executeTakeFirst();
  if (!sent) throw new InvalidInputError(`the receipt is for batch ${receipt.batch_id}, which this node did not write for ${peer.node_id}`);
  const counts = await applyReceipt(ctx, peer.node_id, receipt, JSON.parse(sent.message_ids) as string[]);
  await ctx.store.db.transaction().execute((trx) => appendAudit(trx, ctx.store.dialect, { actor: actor.ref, action: 'federation.receipt_import', target: `peer:${peer.node_id}`, details: { batch_id: receipt.batch_id, ...counts } }));
  return counts;
}
