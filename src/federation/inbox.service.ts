import type { KeyObject } from 'node:crypto';
import { LargeVerifier } from './large-verify.js';
import { availableParallelism } from 'node:os';
import type { NodeContext } from '../context.js';
import type { DbOrTrx } from '../store/db.js';
import { insertRows } from '../store/insert-rows.js';
import { AppError } from '../errors.js';
import { countReceived, countWaitedBatch } from '../http/metrics.js';
import { keyFor, keyringForBatch, keyringOf, rotationLimits } from './keyring.js';
import { canonicalForms, envelopeDigest, publicKeyFromRaw, verifyEnvelopeSignature, verifyEnvelopeSignatureAsync, type Envelope } from './protocol/envelope.js';
import type { MessageTypeRegistry } from './protocol/message-types.js';
import { RejectReason, signReceiptCanonical, type Receipt, type ReceiptItem } from './protocol/receipt.js';
import { findPeer, recordContact, type PeerRow } from './peers.repository.js';
import { checkFreshness, holdsNul, TokenBucket } from './delivery.rules.js';
import { SenderArrivals } from './sender-arrivals.js';

export type Batch = Envelope<{ envelopes: Envelope[] }>;

export interface ReceiveResult {
  /** Only a batch that was taken gets a receipt (its items may still be rejected one by one). */
  receipt: Receipt;
  /** The receipt's canonical JSON: sent as it is. */
  text: string;
}

/**
 * A batch refused as a whole. It gets a small problem, never a signed receipt: a receipt is
 * work done for whoever sent the batch (possibly a stranger), and a signed refusal naming
 * every message could be carried back to mark them rejected while nothing is wrong with them.
 */
export class BatchRefusedError extends AppError {
  override name = 'BatchRefusedError';
  constructor(status: 401 | 403 | 409 | 422 | 429, readonly reason: RejectReason, detail: string) {
    super(status, 'batch-refused', 'Batch refused', detail, { reason });
  }
}

/**
 * Runs the handlers in batch order; a run of messages of one type goes to its bulk handler at
 * once. Returns the messages a handler refused, with why.
 */
async function applyInOrder(ctx: NodeContext, trx: DbOrTrx, registry: MessageTypeRegistry, envelopes: Envelope[]): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  for (let i = 0; i < envelopes.length; ) {
    const def = registry.get(envelopes[i]!.type)!.def;
    let j = i + 1;
    while (j < envelopes.length && envelopes[j]!.type === def.type) j++;
    if (def.handleMany) for (const [id, why] of (await def.handleMany(trx, envelopes.slice(i, j), ctx)) ?? []) refused.set(id, why);
    else
      for (const e of envelopes.slice(i, j)) {
        const why = await def.handle(trx, e, ctx);
        if (typeof why === 'string') refused.set(e.id, why);
      }
    i = j;
  }
  return refused;
}

const buckets = new Map<string, TokenBucket>();
let receivesSincePurge = 0;

export interface ReceiveOptions {
  /**
   * A batch carried on a file across an air gap: it may be days old, so the replay window
   * does not apply; replaying the file is harmless because every message is deduplicated.
   */
  offline?: boolean;
  /** The batch signature, verified already over the text as it was sent (verifyBatchText). */
  signedText?: SignedBatchText;
}

/**
 * Batches larger than this must travel as their canonical text, with nothing but a rotation's
 * new key in a small one: the inbox verifies their signature over the text as sent, before
 * parsing it. A smaller batch in another form is parsed and canonicalised first.
 */
export const SMALL_BATCH_BYTES = 1024 * 1024;

/**
 * The request header in which a sender names itself (its node id) before its body is read. A
 * large body from an address that has not delivered lately is read only when it names one of
 * this node's active peers, and then its batch header must say the same (protocol §3).
 */
export const SENDER_HEADER = 'accord-sender';

/** Who signed a batch's text, as verifyBatchText found it. */
export interface SignedBatchText {
  from: string;
  key: string;
  value: string;
}

/**
 * Verifies a batch's signature with the peer's pinned key over its text as sent, without the
 * `sig` member (`sigCut`, from readBatchFrame): for a batch sent as its canonical text, that
 * is exactly what was signed. On libuv's thread pool: a large batch takes a while to hash.
 */
export async function verifyBatchText(peer: PeerRow, text: Buffer, sigCut: readonly [number, number], sig: unknown): Promise<SignedBatchText | null> {
  const s = sig as { key?: unknown; value?: unknown } | null;
  if (typeof s?.key !== 'string' || typeof s.value !== 'string' || s.key !== peer.fingerprint) return null;
  const value = s.value;
  const key = s.key;
  const signature = Buffer.from(value, 'base64url');
  if (signature.length !== 64) return null;
  // The text without the cut, made in place rather than copied (a copy of a 30 MiB batch costs
  // more than all the rest): what follows the cut, in a canonical batch only its last members,
  // moves over it, and everything goes back once the signature is checked.
  const [a, b] = sigCut;
  const cut = Buffer.from(text.subarray(a, b));
  const tail = text.length - b;
  text.copy(text, a, b);
  try {
    const ok = await largeTexts.verify(text.subarray(0, a + tail), keyOfPeer(peer), signature);
    return ok ? { from: peer.node_id, key, value } : null;
  } finally {
    text.copy(text, b, a, a + tail);
    cut.copy(text, a);
  }
}

/** Large batch texts arrive in shared memory (joinBody) and are checked off the event loop. */
const largeTexts = new LargeVerifier();

const peerKeys = new Map<string, KeyObject>();
function keyOfPeer(peer: PeerRow): KeyObject {
  let k = peerKeys.get(peer.public_key);
  if (!k) {
    if (peerKeys.size > 1000) peerKeys.clear();
    peerKeys.set(peer.public_key, (k = publicKeyFromRaw(peer.public_key)));
  }
  return k;
}

/** The members of a batch around its body, as sent: not yet checked against the schema. */
export interface BatchHeader {
  id?: unknown;
  from?: unknown;
  to?: unknown;
  issued_at?: unknown;
  sig?: unknown;
}

/**
 * The checks that need only the batch header, cheapest first: the sender is a peer in good
 * standing, the key is its pinned one (or unknown: a rotation inside may announce it), we
 * are the addressee, the replay window, the batch id not seen. The inbox runs them on the
 * raw text before parsing the body; members of the wrong type are left to the schema.
 */
export async function checkBatchHeader(ctx: NodeContext, h: BatchHeader, opts: ReceiveOptions = {}): Promise<PeerRow | null> {
  if (typeof h.from !== 'string') return null;
  const me = ctx.identity.node_id;
  const peer = await findPeer(ctx.store.db, h.from);
  if (!peer || peer.status === 'removed') throw new BatchRefusedError(403, RejectReason.unknownSender, `${h.from.slice(0, 80)} is not a peer of ${me}`);
  if (peer.status === 'suspended') throw new BatchRefusedError(403, RejectReason.suspendedSender, `${h.from.slice(0, 80)} is suspended by ${me}`);
  const key = (h.sig as { key?: unknown } | null)?.key;
  // The batch itself is always signed with the sender's current key (sent now, never retired).
  if (typeof key === 'string' && key !== peer.fingerprint && (JSON.parse(peer.retired_keys) as { fingerprint: string }[]).some((k) => k.fingerprint === key)) {
    throw new BatchRefusedError(401, RejectReason.retiredKey, 'signed with a key the sender has retired');
  }
  if (Array.isArray(h.to) && !h.to.includes(me)) throw new BatchRefusedError(422, RejectReason.notARecipient, `the batch is addressed to ${h.to.slice(0, 3).map((t) => String(t).slice(0, 80)).join(', ')}`);
  if (typeof h.issued_at === 'string') {
    const fresh = checkFreshness(h.issued_at, new Date(), { maxAgeMs: ctx.settings.replayWindowSeconds * 1000, maxSkewMs: ctx.settings.clockSkewSeconds * 1000 });
    if (fresh !== 'ok' && !(opts.offline && fresh === 'expired')) {
      throw new BatchRefusedError(422, fresh === 'from_the_future' ? RejectReason.fromTheFuture : RejectReason.expired, `issued_at ${h.issued_at.slice(0, 40)} is outside the replay window`);
    }
  }
  if (typeof h.id === 'string' && !opts.offline) {
    const seen = await ctx.store.db.selectFrom('seen_batches').select('batch_id').where('batch_id', '=', h.id).executeTakeFirst();
    if (seen) throw new BatchRefusedError(409, RejectReason.replayed, 'this batch was delivered before');
  }
  return peer;
}

/**
 * Receives a batch: checks the header (checkBatchHeader), then the batch signature, then the
 * rate, and only then looks at the messages one by one; stores and applies what is accepted
 * in one transaction and answers with a signed receipt. A batch refused as a whole throws
 * BatchRefusedError and leaves no trace; refused messages leave none either.
 */
export async function receiveBatch(ctx: NodeContext, registry: MessageTypeRegistry, batch: Batch, opts: ReceiveOptions = {}): Promise<ReceiveResult> {
  const me = ctx.identity.node_id;
  const now = new Date();
  const peer = (await checkBatchHeader(ctx, batch, opts))!;
  const ring = keyringForBatch(keyringOf(peer), batch, rotationLimits(ctx, now));
  if (batch.sig.key !== ring.current.fingerprint) throw new BatchRefusedError(401, RejectReason.wrongKey, 'signed with a key other than the pinned one');
  // Each envelope is canonicalised once: its forms serve its own signature, its digest and
  // the batch's signing input, whose body is the envelopes' canonical JSON.
  const forms = batch.body.envelopes.map((e) => canonicalForms(e));
  const t = opts.signedText;
  const signedAsSent = t !== undefined && t.from === batch.from && t.key === batch.sig.key && t.value === batch.sig.value && t.key === ring.current.fingerprint;
  if (!signedAsSent) {
    const batchInput = canonicalForms(batch, `{"envelopes":[${forms.map((f) => f.full).join(',')}]}`).unsigned;
    if (!verifyEnvelopeSignature(batch, ring.current.key, batchInput)) throw new BatchRefusedError(401, RejectReason.badSignature, 'the batch signature does not verify');
  }
  // The rate is counted only for batches the peer really signed: nobody else can spend it.
  let bucket = buckets.get(peer.node_id);
  if (!bucket) buckets.set(peer.node_id, (bucket = new TokenBucket(ctx.settings.peerRatePerSecond, ctx.settings.peerRatePerSecond * 2)));
  if (!opts.offline && !bucket.take(batch.body.envelopes.length)) throw new BatchRefusedError(429, RejectReason.rateLimited, 'rate limit: slow down and retry');

  const leave = arrivals.enter(`${me}\n${batch.from}`, lowestSeq(batch.body.envelopes));
  try {
    return await receiveSigned(ctx, registry, batch, peer, ring, forms, now);
  } finally {
    leave();
  }
}

/** The lowest release number in a batch; null when it holds none. */
function lowestSeq(envelopes: readonly Envelope[]): number | null {
  let low: number | null = null;
  for (const e of envelopes) if (e.seq !== undefined && (low === null || e.seq < low)) low = e.seq;
  return low;
}

/** Receivers' batches being received, per receiving node and sender (tests run several nodes in one process). */
const arrivals = new SenderArrivals();

/** receiveBatch, once the batch is known to come from `peer`. */
async function receiveSigned(ctx: NodeContext, registry: MessageTypeRegistry, batch: Batch, peer: PeerRow, ring: ReturnType<typeof keyringForBatch>, forms: ReturnType<typeof canonicalForms>[], now: Date): Promise<ReceiveResult> {
  const { db } = ctx.store;
  const me = ctx.identity.node_id;
  const items: ReceiptItem[] = [];
  const envelopes = batch.body.envelopes;
  const ids = envelopes.map((e) => e.id);
  const known = new Set<string>();
  // Look up duplicates in slices, to stay under the bind-parameter limits of both databases.
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db.selectFrom('inbox').select('id').where('id', 'in', ids.slice(i, i + 500)).execute()) known.add(r.id);
  }
  const skewLimit = now.getTime() + ctx.settings.clockSkewSeconds * 1000;
  const pending: { e: Envelope; digest: string; canonical: string; item: ReceiptItem }[] = [];
  const keys = envelopes.map((e) => keyFor(ring, e.sig.key, e.issued_at));
  // With more than one core the signatures verify in parallel on libuv's thread pool; on one
  // core handing them over would only add work, so they verify here.
  const verifyOne = availableParallelism() > 1 ? verifyEnvelopeSignatureAsync : verifyEnvelopeSignature;
  const signed = await Promise.all(envelopes.map((e, i) => {
    const k = keys[i]!;
    return 'key' in k ? verifyOne(e, k.key, forms[i]!.unsigned) : false;
  }));
  for (const [i, e] of envelopes.entries()) {
    const k = keys[i]!;
    const canonical = forms[i]!.full;
    const digest = envelopeDigest(e, canonical);
    const reject = (reason: RejectReason, detail: string) => items.push({ message_id: e.id, digest, status: 'rejected', reason, detail });
    if (e.from !== batch.from) reject(RejectReason.senderMismatch, 'a message inside a batch must come from the batch sender');
    else if ('reason' in k) reject(k.reason === 'retired_key' ? RejectReason.retiredKey : RejectReason.wrongKey, k.reason === 'retired_key' ? 'signed with a retired key after it was retired' : 'signed with a key other than the pinned one');
    else if (!signed[i]) reject(RejectReason.badSignature, 'the message signature does not verify');
    else if (!e.to.includes(me)) reject(RejectReason.notARecipient, `addressed to ${e.to.join(', ')}`);
    else if (!(Date.parse(e.issued_at) <= skewLimit)) reject(RejectReason.fromTheFuture, `issued_at ${e.issued_at} is ahead of our clock`);
    else if (known.has(e.id)) items.push({ message_id: e.id, digest, status: 'duplicate' });
    else {
      const t = registry.get(e.type);
      if (!t) reject(RejectReason.unknownType, `${me} does not know message type ${e.type}; it knows ${registry.names().join(', ')}`);
      else if (!t.check.Check(e.body)) reject(RejectReason.invalidBody, `the body does not match the schema of ${e.type}`);
      else if (holdsNul(e.body)) reject(RejectReason.invalidBody, 'the body holds U+0000, which a node cannot store');
      else {
        known.add(e.id);
        const item: ReceiptItem = { message_id: e.id, digest, status: 'accepted' };
        items.push(item);
        pending.push({ e, digest, canonical, item });
      }
    }
  }

  const receivedAt = now.toISOString();
  let issued: { receipt: Receipt; canonical: string } | undefined;
  // A batch whose messages need releases still missing waits for the sender's other batches
  // arriving here (the missing ones among them) and is stored again: see SenderArrivals.
  const store = () => db.transaction().execute(async (trx) => {
    issued = undefined;
    for (const p of pending) {
      p.item.status = 'accepted';
      delete p.item.reason;
      delete p.item.detail;
    }
    await trx.insertInto('seen_batches').values({ batch_id: batch.id, from_node: batch.from, received_at: receivedAt }).onConflict((oc) => oc.column('batch_id').doNothing()).execute();
    // Another batch carrying the same message may be stored concurrently (a retry while the
    // first attempt was still in flight): the insert keeps one, and only that one is applied.
    const stored = new Set(
      await insertRows(
        trx,
        'inbox',
        { id: 'text', from_node: 'text', seq: 'integer', type: 'text', envelope: 'text', digest: 'text', received_at: 'text', batch_id: 'text' },
        pending.map(({ e, digest, canonical }) => ({ id: e.id, from_node: e.from, seq: e.seq ?? null, type: e.type, envelope: canonical, digest, received_at: receivedAt, batch_id: batch.id })),
        { skipConflictsOn: 'id' },
      ),
    );
    const apply: Envelope[] = [];
    for (const p of pending) {
      if (stored.has(p.e.id)) apply.push(p.e);
      else p.item.status = 'duplicate';
    }
    const refused = await applyInOrder(ctx, trx, registry, apply);
    for (const p of pending) {
      const why = refused.get(p.e.id);
      if (why !== undefined) Object.assign(p.item, { status: 'rejected', reason: RejectReason.refused, detail: why.slice(0, 500) });
    }
    // A batch that stored a message whose type keeps its receipt (a case's event): the receipt
    // is signed here, once, and kept with the messages it acknowledges.
    if (apply.some((e) => registry.get(e.type)?.def.keepIssuedReceipt === true && refused.get(e.id) === undefined)) {
      issued = signReceiptCanonical(ctx.identity, { batch_id: batch.id, received_at: receivedAt, items });
      await trx.insertInto('issued_receipts').values({ batch_id: batch.id, peer_id: batch.from, receipt: issued.canonical, received_at: receivedAt }).onConflict((oc) => oc.column('batch_id').doNothing()).execute();
    }
  });
  const sender = `${me}\n${batch.from}`;
  const firstSeq = lowestSeq(envelopes);
  const onWait = () => countWaitedBatch(ctx, batch.from);
  if (pending.some((p) => registry.get(p.e.type)?.def.afterEarlierReleases === true)) await arrivals.afterEarlier(sender, firstSeq, { onWait });
  await arrivals.inOrder(sender, firstSeq, store, { onWait });
  // Something new was applied: open duty desks look again (a ping test, a proposal, a notice).
  if (pending.some((p) => p.item.status === 'accepted')) ctx.events.publish({ type: 'desk.changed', source: 'inbox' });
  await recordContact(db, peer.node_id, receivedAt, { clearFailures: false });
  countReceived(ctx, peer.node_id, items);
  if (++receivesSincePurge >= 1000) {
    receivesSincePurge = 0;
    const cutoff = new Date(now.getTime() - (ctx.settings.replayWindowSeconds + ctx.settings.clockSkewSeconds) * 1000).toISOString();
    await db.deleteFrom('seen_batches').where('received_at', '<', cutoff).execute();
  }
  const { receipt, canonical } = issued ?? signReceiptCanonical(ctx.identity, { batch_id: batch.id, received_at: receivedAt, items });
  return { receipt, text: canonical };
}

