import type { NodeContext } from '../context.js';
import type { Batch } from './inbox.service.js';
import { recordContact, type PeerRow } from './peers.repository.js';
import { canonicalJson } from '../crypto/canonical.js';
import { newMessageId, publicKeyFromRaw, signEnvelope, signEnvelopeCanonical, type Envelope } from './protocol/envelope.js';
import { verifyReceipt, type Receipt } from './protocol/receipt.js';

/** Wraps signed messages for one peer in a signed batch, issued now. */
export function buildBatch(ctx: NodeContext, peerId: string, envelopes: Envelope[]): Batch {
  return signEnvelope(ctx.identity, batchHeader(ctx, peerId, { envelopes }));
}

function batchHeader<B>(ctx: NodeContext, peerId: string, body: B) {
  return { v: 1 as const, id: newMessageId(), from: ctx.identity.node_id, to: [peerId], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body };
}

/**
 * The same batch as the text that goes on the wire, assembled from the envelopes' canonical
 * JSON (as the outbox stores it): canonical JSON is JSON, so nothing is parsed or re-encoded.
 */
export function buildBatchText(ctx: NodeContext, peerId: string, canonicalEnvelopes: string[]): { id: string; text: string } {
  const { envelope, canonical } = signEnvelopeCanonical(ctx.identity, batchHeader(ctx, peerId, null), `{"envelopes":[${canonicalEnvelopes.join(',')}]}`);
  return { id: envelope.id, text: canonical };
}

/** A receipt is proof only if the peer signed it, for this very batch. */
export function receiptIsFor(receipt: Receipt, batchId: string, peer: Pick<PeerRow, 'node_id' | 'public_key'>): boolean {
  return receipt?.type === 'federation.receipt' && receipt.batch_id === batchId && receipt.by === peer.node_id && verifyReceipt(receipt, publicKeyFromRaw(peer.public_key));
}

export interface PostResult {
  status: number;
  receipt: Receipt | null;
  error?: string;
}

/** Sends a signed batch of messages to a peer and returns its verified, signed receipt. */
export function postBatch(ctx: NodeContext, peer: PeerRow, envelopes: Envelope[], timeoutMs = 30_000): Promise<PostResult> {
  return postBatchText(peer, buildBatchText(ctx, peer.node_id, envelopes.map((e) => canonicalJson(e))), timeoutMs);
}

/** As postBatch, for a batch already assembled by buildBatchText. */
export async function postBatchText(peer: PeerRow, batch: { id: string; text: string }, timeoutMs = 30_000): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(`${peer.base_url}/federation/v1/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: batch.text,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { status: 0, receipt: null, error: `unreachable: ${cause ?? (e as Error).message}` };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: res.status, receipt: null, error: `HTTP ${res.status}: not JSON` };
  }
  const r = body as Receipt;
  if (r?.type !== 'federation.receipt') return { status: res.status, receipt: null, error: `HTTP ${res.status}: ${(body as { detail?: string }).detail ?? 'no receipt'}` };
  if (!receiptIsFor(r, batch.id, peer)) {
    return { status: res.status, receipt: null, error: 'the receipt is not signed by the peer for this batch' };
  }
  return { status: res.status, receipt: r };
}

/**
 * Keeps a verified receipt and settles the messages it names: delivered (accepted or
 * duplicate) or rejected with the reason. Returns how many of each.
 */
export async function applyReceipt(ctx: NodeContext, peerId: string, receipt: Receipt): Promise<{ delivered: number; rejected: number }> {
  const now = new Date().toISOString();
  const delivered: string[] = [];
  const rejected: Receipt['items'] = [];
  await ctx.store.db.transaction().execute(async (trx) => {
    // Settle only messages that were queued for this peer; look them up by primary key
    // (a filter on peer_id made the planner scan the peer's whole outbox history).
    const named = receipt.items.map((i) => i.message_id);
    const ours = new Set<string>();
    for (let i = 0; i < named.length; i += 500) {
      for (const r of await trx.selectFrom('outbox').select(['id', 'peer_id']).where('id', 'in', named.slice(i, i + 500)).execute()) if (r.peer_id === peerId) ours.add(r.id);
    }
    delivered.push(...receipt.items.filter((i) => i.status !== 'rejected' && ours.has(i.message_id)).map((i) => i.message_id));
    rejected.push(...receipt.items.filter((i) => i.status === 'rejected' && ours.has(i.message_id)));
    const known = await trx.selectFrom('receipts').select('batch_id').where('batch_id', '=', receipt.batch_id).executeTakeFirst();
    if (!known) await trx.insertInto('receipts').values({ batch_id: receipt.batch_id, peer_id: peerId, receipt: JSON.stringify(receipt), received_at: now }).execute();
    for (let i = 0; i < delivered.length; i += 500) {
      await trx.updateTable('outbox').set({ state: 'delivered', delivered_at: now, receipt_id: receipt.batch_id }).where('id', 'in', delivered.slice(i, i + 500)).execute();
    }
    for (const item of rejected) {
      await trx.updateTable('outbox').set({ state: 'rejected', delivered_at: now, receipt_id: receipt.batch_id, reject_reason: `${item.reason}: ${item.detail ?? ''}` }).where('id', '=', item.message_id).execute();
    }
  });
  await recordContact(ctx.store.db, peerId, now, { clearFailures: true });
  return { delivered: delivered.length, rejected: rejected.length };
}
