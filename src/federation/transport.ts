import type { NodeContext } from '../context.js';
import { SENDER_HEADER, type Batch } from './inbox.service.js';
import { recordContact, type PeerRow } from './peers.repository.js';
import { canonicalJson, sha256Hex } from '../crypto/canonical.js';
import { newMessageId, publicKeyFromRaw, signEnvelope, signEnvelopeCanonical, type Envelope } from './protocol/envelope.js';
import { RejectReason, verifyReceipt, type Receipt, type ReceiptItem } from './protocol/receipt.js';
import { isPending } from './outbox.conditions.js';
import { AnswerTooLargeError, postText, type TextAnswer } from './http-post.js';

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
export function buildBatchText(ctx: NodeContext, peerId: string, canonicalEnvelopes: string[]): { id: string; text: string; from: string } {
  const { envelope, canonical } = signEnvelopeCanonical(ctx.identity, batchHeader(ctx, peerId, null), `{"envelopes":[${canonicalEnvelopes.join(',')}]}`);
  return { id: envelope.id, text: canonical, from: ctx.identity.node_id };
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

/** A receipt for 5,000 messages, each rejected with a detail, stays well under this. */
export const MAX_RECEIPT_BYTES = 8 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}

/**
 * Reads a response body as text, at most `limit` bytes: a peer (or whatever answers at its
 * address) cannot make us buffer an endless body.
 */
export async function readCapped(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(`the answer is larger than ${limit} bytes`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(`the answer is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A redirect is never followed: a peer is its pinned address, not wherever that points. */
export function isRedirect(res: Response): boolean {
  return (res.status >= 300 && res.status < 400) || res.type === 'opaqueredirect';
}

/** Sends a signed batch of messages to a peer and returns its verified, signed receipt. */
export function postBatch(ctx: NodeContext, peer: PeerRow, envelopes: Envelope[], timeoutMs = 30_000): Promise<PostResult> {
  return postBatchText(peer, buildBatchText(ctx, peer.node_id, envelopes.map((e) => canonicalJson(e))), timeoutMs);
}

/** As postBatch, for a batch already assembled by buildBatchText. */
export async function postBatchText(peer: PeerRow, batch: { id: string; text: string; from?: string }, timeoutMs = 30_000): Promise<PostResult> {
  let res: TextAnswer;
  try {
    // The sender names itself before its body (the inbox reads a large body only for a peer that does).
    const headers = batch.from ? { [SENDER_HEADER]: batch.from } : undefined;
    res = await postText(`${peer.base_url}/federation/v1/inbox`, batch.text, { timeoutMs, limit: MAX_RECEIPT_BYTES, ...(headers ? { headers } : {}) });
  } catch (e) {
    if (e instanceof AnswerTooLargeError) return { status: 0, receipt: null, error: e.message };
    return { status: 0, receipt: null, error: `unreachable: ${(e as { code?: string }).code ?? (e as Error).message}` };
  }
  if (res.status >= 300 && res.status < 400) {
    return { status: res.status, receipt: null, error: `HTTP ${res.status}: redirected to ${res.headers.location ?? 'elsewhere'}; redirects are not followed` };
  }
  const text = res.text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { status: res.status, receipt: null, error: `HTTP ${res.status}: not JSON` };
  }
  const r = body as Receipt;
  if (r?.type !== 'federation.receipt') {
    const p = body as { reason?: unknown; detail?: unknown } | null;
    const reason = typeof p?.reason === 'string' ? ` (${p.reason.slice(0, 40)})` : '';
    return { status: res.status, receipt: null, error: `HTTP ${res.status}${reason}: ${typeof p?.detail === 'string' ? p.detail.slice(0, 300) : 'no receipt'}` };
  }
  // Only a batch that was taken gets a receipt.
  if (res.status !== 200 || !receiptIsFor(r, batch.id, peer)) {
    return { status: res.status, receipt: null, error: 'the receipt is not signed by the peer for this batch' };
  }
  return { status: res.status, receipt: r };
}

/**
 * Refusals that concern the whole batch, not a message: a message named with one of them is
 * not at fault and stays pending (a node of an earlier version answered refusals so).
 */
const BATCH_LEVEL = new Set<string>([RejectReason.unknownSender, RejectReason.suspendedSender, RejectReason.rateLimited, RejectReason.expired, RejectReason.replayed, RejectReason.tooLarge]);

/**
 * Keeps a verified receipt for a batch this node sent (`sent`: the ids of its messages) and
 * settles the messages it names: delivered (accepted or duplicate) or rejected with the
 * reason. An item settles a message only if the message was in that batch, is still pending
 * for this peer, and its digest is the digest of the envelope we stored: a receipt cannot
 * settle messages it was not given. Returns how many of each.
 */
export async function applyReceipt(ctx: NodeContext, peerId: string, receipt: Receipt, sent: readonly string[]): Promise<{ delivered: number; rejected: number; ignored: number }> {
  const now = new Date().toISOString();
  const delivered: string[] = [];
  const rejected: Receipt['items'] = [];
  const inBatch = new Set(sent);
  const named = receipt.items.filter((i) => inBatch.has(i.message_id));
  await ctx.store.db.transaction().execute(async (trx) => {
    // Look messages up by primary key (a filter on peer_id made the planner scan the peer's
    // whole outbox history).
    const ours = new Map<string, string>();
    const ids = named.map((i) => i.message_id);
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of await trx.selectFrom('outbox').select(['id', 'peer_id', 'envelope']).where('id', 'in', ids.slice(i, i + 500)).where(isPending).execute()) {
        if (r.peer_id === peerId) ours.set(r.id, r.envelope);
      }
    }
    const settles = (i: ReceiptItem) => ours.has(i.message_id) && sha256Hex(ours.get(i.message_id)!) === i.digest;
    const done = new Set<string>();
    for (const i of named) {
      if (done.has(i.message_id) || !settles(i)) continue;
      if (i.status !== 'rejected') delivered.push(i.message_id);
      else if (!BATCH_LEVEL.has(i.reason ?? '')) rejected.push(i);
      else continue;
      done.add(i.message_id);
    }
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
  return { delivered: delivered.length, rejected: rejected.length, ignored: receipt.items.length - delivered.length - rejected.length };
}
