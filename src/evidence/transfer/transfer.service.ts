import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../../audit/audit.repository.js';
import { caseRowOrThrow } from '../../cases/cases.service.js';
import type { NodeContext } from '../../context.js';
import { AppError, NotFoundError } from '../../errors.js';
import { enqueueMessages } from '../../federation/outbox.service.js';
import { getPeer } from '../../federation/peers.service.js';
import type { Envelope } from '../../federation/protocol/envelope.js';
import { defineCounter } from '../../http/metrics.js';
import type { Db, DbOrTrx } from '../../store/db.js';
import { appendCustody } from '../custody.service.js';
import { storageKeyOf } from '../evidence.keys.js';
import { buildHeader, ChunkTamperedError, HEADER_BYTES, newFileKey, openChunk, parseHeader, sealChunkParts, TAG_BYTES, verifyEvidence } from '../storage/chunked-cipher.js';
import { evidenceStoreOf, type StoredReader } from '../storage/evidence-store.js';
import { partPath } from '../storage/file-store.js';
import { unwrapFileKey, wrapFileKey } from '../storage/storage-key.js';
import { signPeerRequest, PeerRequestError } from './peer-request.js';
import { PeerRate } from './rate.js';
import { noteOfferArrived } from './transfer.wake.js';
import { EvidenceMessage, type OfferBody, type ReceivedBody, type TransferStateView } from './transfer.schemas.js';
import type { EvidenceTransfersTable } from './transfer.tables.js';

/**
 * Moving a case's attachments to the other party of the case (docs/evidence.md, "Transfer
 * between nodes"). The sender offers each attachment once it is complete, through the outbox
 * (`evidence.offer/v1`, released by the gate and receipted like any message) and records
 * custody `transfer_sent` then. The content never enters the outbox: the receiver pulls the
 * chunk hash list and then each plaintext chunk over a separate signed route, checks every
 * chunk against the offer, seals it under its own file key and records the next chunk to
 * fetch (its acknowledgement) durably, so that it resumes where it stopped after either node
 * restarts. After the last chunk it checks the whole file's SHA-256, shows the attachment
 * (custody `transfer_received`) and answers with `evidence.received/v1`, on which the sender
 * records custody `receipt`.
 */

/** Fetches of one chunk that fail its hash (or are refused by the sender) before the transfer stops as failed. */
export const MAX_CHUNK_ATTEMPTS = 3;
/** How long one run of the fetch job works before it lets the job runner take its turn again. */
const RUN_BUDGET_MS = 30_000;
const FETCH_TIMEOUT_MS = 60_000;

const bytesMoved = defineCounter('accord_evidence_transfer_bytes_total', 'Evidence plaintext bytes moved between nodes, by peer and direction (sent, received)', ['peer', 'direction']);
const answersRefused = defineCounter('accord_evidence_answers_refused_total', 'Answers about evidence transfers refused because they did not fit a transfer to their sender, by peer and reason (not_sent_to_peer, wrong_hash; from the sender: wrong_hash_list, wrong_chunk; from the receiver: chunk_out_of_range)', ['peer', 'reason']);
const transfersFinished = defineCounter('accord_evidence_transfers_total', 'Evidence transfers finished on this node, by direction and outcome', ['direction', 'outcome']);

/**
 * A peer's answer that contradicts what was agreed, written to the audit log once: `key` names
 * the claim (a retry, or the same claim in a new message, finds it recorded and adds nothing).
 * Resolves whether it was new.
 */
async function recordLie(ctx: NodeContext, trx: DbOrTrx, lie: { key: string; peer: string; caseId: string; attachmentId: string; action: 'evidence.lying_receipt' | 'evidence.lying_chunk' | 'evidence.lying_request'; details: Record<string, unknown> }): Promise<boolean> {
  const at = new Date().toISOString();
  const ins = await trx.insertInto('evidence_peer_lies').values({ key: lie.key.slice(0, 500), peer: lie.peer, attachment_id: lie.attachmentId, at }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
  if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await appendAudit(trx, ctx.store.dialect, { actor: `node:${lie.peer}`, ip: null, action: lie.action, target: `case:${lie.caseId}`, details: { peer: lie.peer, attachment: lie.attachmentId, ...lie.details } });
  return true;
}

/** Routes give the node's "messages queued" signal here, so that jobs that queue start delivery at once. */
const onQueuedOf = new WeakMap<object, () => void>();
export function rememberOnQueued(ctx: NodeContext, onQueued: () => void): void {
  onQueuedOf.set(ctx.store, onQueued);
}
function queued(ctx: NodeContext): void {
  onQueuedOf.get(ctx.store)?.();
}

const rates = new WeakMap<object, PeerRate>();
function rateOf(ctx: NodeContext): PeerRate {
  let r = rates.get(ctx.store);
  if (!r) rates.set(ctx.store, (r = new PeerRate(ctx.settings.evidencePeerBytesPerSecond)));
  return r;
}

/** The node context reading through `db` (a transaction): the cases service then reads inside it. */
function within(ctx: NodeContext, db: DbOrTrx): NodeContext {
  return { ...ctx, store: { ...ctx.store, db: db as Db } };
}

export function chunkCount(size: number, chunkBytes: number): number {
  return Math.floor(size / chunkBytes) + 1;
}

function plainBytesOf(size: number, chunkBytes: number, index: number): number {
  const chunks = chunkCount(size, chunkBytes);
  return index < chunks - 1 ? chunkBytes : size - (chunks - 1) * chunkBytes;
}

type TransferRow = Omit<EvidenceTransfersTable, 'size'> & { size: number };

async function transferRow(db: DbOrTrx, attachmentId: string): Promise<TransferRow | undefined> {
  const r = await db.selectFrom('evidence_transfers').selectAll().where('attachment_id', '=', attachmentId).executeTakeFirst();
  return r ? { ...r, size: Number(r.size) } : undefined;
}

function toView(r: TransferRow): TransferStateView {
  return {
    attachment_id: r.attachment_id,
    direction: r.direction,
    peer: r.peer,
    state: r.state,
    chunks: r.chunks,
    chunks_done: r.state === 'received' ? r.chunks : r.next_chunk,
    size: r.size,
    sha256: r.sha256,
    error: r.error,
    updated_at: r.updated_at,
    finished_at: r.finished_at,
  };
}

/** The transfers of a case's attachments, in either direction. */
export async function transfersOfCase(ctx: NodeContext, caseId: string): Promise<TransferStateView[]> {
  await caseRowOrThrow(ctx, caseId);
  const rows = await ctx.store.db.selectFrom('evidence_transfers').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('attachment_id').execute();
  return rows.map((r) => toView({ ...r, size: Number(r.size) }));
}

/** One attachment's transfer (404 while it has none). */
export async function transferOf(ctx: NodeContext, caseId: string, attachmentId: string): Promise<TransferStateView> {
  await caseRowOrThrow(ctx, caseId);
  const r = await transferRow(ctx.store.db, attachmentId);
  if (!r || r.case_id !== caseId) throw new NotFoundError(`transfer of attachment ${attachmentId}`);
  return toView(r);
}

// ——— Sender ———

export interface OfferInput {
  attachment: { id: string; case_id: string; event_id: string | null; sha256: string; size: number; name: string; media_type: string; description: string; added_by: string };
  peer: string;
  chunkBytes: number;
  /** The SHA-256 of every plaintext chunk, hex, one after the other. */
  chunkHashes: string;
}

/**
 * Offers one attachment to the case's other party: the transfer row, the offer in the outbox
 * and custody `transfer_sent`, in one transaction. False when it was offered already.
 */
export async function offerAttachment(ctx: NodeContext, o: OfferInput): Promise<boolean> {
  const a = o.attachment;
  const chunks = chunkCount(a.size, o.chunkBytes);
  if (o.chunkHashes.length !== chunks * 64) throw new Error(`${chunks} chunk hashes expected`);
  const listSha = createHash('sha256').update(Buffer.from(o.chunkHashes, 'hex')).digest('hex');
  const now = new Date().toISOString();
  const done = await ctx.store.db.transaction().execute(async (trx) => {
    const ins = await trx
      .insertInto('evidence_transfers')
      .values({
        attachment_id: a.id, direction: 'out', case_id: a.case_id, peer: o.peer, event_id: a.event_id, sha256: a.sha256, size: a.size, name: a.name, media_type: a.media_type,
        description: a.description, added_by: a.added_by, chunk_bytes: o.chunkBytes, chunks, chunk_list_sha256: listSha, chunk_hashes: o.chunkHashes, state: 'offered',
        next_chunk: 0, attempts: 0, wrapped_key: null, error: null, offer_id: null, created_at: now, updated_at: now, finished_at: null,
      })
      .onConflict((oc) => oc.column('attachment_id').doNothing())
      .executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    const body: OfferBody = {
      case_id: a.case_id, attachment_id: a.id, event_id: a.event_id, sha256: a.sha256, size: a.size, name: a.name, media_type: a.media_type, description: a.description,
      added_by: a.added_by, chunk_bytes: o.chunkBytes, chunks, chunk_list_sha256: listSha,
    };
    const [offer] = await enqueueMessages(ctx, trx, o.peer, EvidenceMessage.offer, [body]);
    await trx.updateTable('evidence_transfers').set({ offer_id: offer!.id }).where('attachment_id', '=', a.id).execute();
    await trx.updateTable('evidence_attachments').set({ transfer_state: 'sent' }).where('id', '=', a.id).where('transfer_state', '=', 'local').execute();
    await appendCustody(ctx, trx, { caseId: a.case_id, attachmentId: a.id, sha256: a.sha256, action: 'transfer_sent', actor: `node:${ctx.identity.node_id}`, from: null, details: { to: o.peer, offer: offer!.id, chunks, chunk_bytes: o.chunkBytes } });
    return true;
  });
  if (done) queued(ctx);
  return done;
}

/** The SHA-256 of each plaintext chunk of a stored file, read and checked chunk by chunk. */
async function chunkHashesOf(ctx: NodeContext, sha256: string): Promise<{ chunkBytes: number; hashes: string }> {
  const { key, header, chunkBytes } = await storedKey(ctx, sha256);
  const fh = await evidenceStoreOf(ctx.settings).openReader(sha256);
  try {
    const size = storedPlain(await fh.size(), chunkBytes);
    const chunks = chunkCount(size, chunkBytes);
    const parts: string[] = [];
    const whole = createHash('sha256');
    for (let i = 0; i < chunks; i++) {
      const plain = await readPlainChunk(fh, key, header, chunkBytes, size, i);
      whole.update(plain);
      parts.push(createHash('sha256').update(plain).digest('hex'));
    }
    if (whole.digest('hex') !== sha256) throw new AppError(500, 'evidence-tampered', 'Stored evidence altered', `the stored file ${sha256} does not hash to its name`);
    return { chunkBytes, hashes: parts.join('') };
  } finally {
    await fh.close();
  }
}

function storedPlain(storedBytes: number, chunkBytes: number): number {
  const body = storedBytes - HEADER_BYTES;
  const full = Math.floor(body / (chunkBytes + TAG_BYTES));
  return full * chunkBytes + (body - full * (chunkBytes + TAG_BYTES)) - TAG_BYTES;
}

const keyCache = new WeakMap<object, Map<string, { key: Buffer; header: Buffer; chunkBytes: number }>>();

/** A stored file's key and header (kept per node in memory: a transfer reads them once per chunk). */
async function storedKey(ctx: NodeContext, sha256: string): Promise<{ key: Buffer; header: Buffer; chunkBytes: number }> {
  let cache = keyCache.get(ctx.store);
  if (!cache) keyCache.set(ctx.store, (cache = new Map()));
  const known = cache.get(sha256);
  if (known) return known;
  const f = await ctx.store.db.selectFrom('evidence_files').select(['wrapped_key', 'chunk_bytes']).where('sha256', '=', sha256).executeTakeFirst();
  if (!f?.wrapped_key) throw new AppError(410, 'evidence-deleted', 'Content deleted', `the content ${sha256} is not stored here (deleted)`);
  const key = unwrapFileKey(await storageKeyOf(ctx), f.wrapped_key, `evidence_files:${sha256}`);
  const fh = await evidenceStoreOf(ctx.settings).openReader(sha256);
  let header: Buffer;
  try {
    header = await fh.read(0, HEADER_BYTES);
  } finally {
    await fh.close();
  }
  if (header.length !== HEADER_BYTES) throw new AppError(500, 'evidence-tampered', 'Stored evidence altered', `the stored file ${sha256} is shorter than its header`);
  const v = { key, header, chunkBytes: parseHeader(header).chunkBytes };
  if (cache.size > 256) cache.clear();
  cache.set(sha256, v);
  return v;
}

async function readPlainChunk(fh: StoredReader, key: Buffer, header: Buffer, chunkBytes: number, size: number, index: number): Promise<Buffer> {
  const chunks = chunkCount(size, chunkBytes);
  const sealedLen = plainBytesOf(size, chunkBytes, index) + TAG_BYTES;
  const sealed = await fh.read(HEADER_BYTES + index * (chunkBytes + TAG_BYTES), sealedLen);
  if (sealed.length !== sealedLen) throw new ChunkTamperedError(index);
  return openChunk(key, header, index, index === chunks - 1, sealed);
}

const OFFERS_PER_RUN = 50;

/**
 * Offers every complete attachment not offered yet to the other party of its case (the
 * `evidence.offer` job), OFFERS_PER_RUN at a time: `more` when others may wait.
 */
export async function offerNewAttachments(ctx: NodeContext, log?: FastifyBaseLogger): Promise<{ offered: number; more: boolean }> {
  const rows = await ctx.store.db
    .selectFrom('evidence_attachments')
    .selectAll()
    .where('transfer_state', '=', 'local')
    .where('deleted_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('evidence_transfers').select('evidence_transfers.attachment_id').whereRef('evidence_transfers.attachment_id', '=', 'evidence_attachments.id'))))
    .orderBy('added_at')
    .limit(OFFERS_PER_RUN)
    .execute();
  let offered = 0;
  for (const a of rows) {
    try {
      const c = await caseRowOrThrow(ctx, a.case_id);
      const { chunkBytes, hashes } = await chunkHashesOf(ctx, a.sha256);
      if (await offerAttachment(ctx, { attachment: { ...a, size: Number(a.size) }, peer: c.peer, chunkBytes, chunkHashes: hashes })) offered++;
    } catch (err) {
      log?.warn({ err, attachment: a.id }, 'could not offer an attachment to the other party');
    }
  }
  return { offered, more: rows.length === OFFERS_PER_RUN && offered > 0 };
}

const SENDER_PROGRESS_EVERY = 16;

/** Which sender row a peer may read: an outgoing transfer of that attachment to that very peer (403 otherwise). */
async function outgoingFor(ctx: NodeContext, peer: string, attachmentId: string): Promise<TransferRow> {
  const r = await transferRow(ctx.store.db, attachmentId);
  if (!r || r.direction !== 'out' || r.peer !== peer) throw new PeerRequestError(403, `no transfer of attachment ${attachmentId} to ${peer}`);
  return r;
}

/** The raw chunk hash list (32 bytes per chunk) of an offered attachment, for the peer it was offered to. */
export async function serveChunkHashes(ctx: NodeContext, peer: string, attachmentId: string): Promise<Buffer> {
  const r = await outgoingFor(ctx, peer, attachmentId);
  return Buffer.from(r.chunk_hashes, 'hex');
}

/**
 * One plaintext chunk of an offered attachment, read from the store and checked, for the peer
 * it was offered to, after the peer's bandwidth allows it. Records how far the peer got.
 */
export async function serveChunk(ctx: NodeContext, peer: string, attachmentId: string, index: number): Promise<Buffer> {
  const r = await outgoingFor(ctx, peer, attachmentId);
  if (index >= r.chunks) {
    // The peer asks for a chunk the offer never had: refused, and audited once per transfer.
    answersRefused(ctx)?.inc({ peer, reason: 'chunk_out_of_range' });
    await ctx.store.db.transaction().execute((trx) =>
      recordLie(ctx, trx, { key: `range:${peer}:${attachmentId}`, peer, caseId: r.case_id, attachmentId, action: 'evidence.lying_request', details: { index, chunks: r.chunks } }),
    );
    throw new NotFoundError(`chunk ${index} of attachment ${attachmentId} (it has ${r.chunks})`);
  }
  const { key, header, chunkBytes } = await storedKey(ctx, r.sha256);
  if (chunkBytes !== r.chunk_bytes) throw new AppError(500, 'evidence-tampered', 'Stored evidence altered', `the stored file ${r.sha256} has chunks of ${chunkBytes} bytes, not ${r.chunk_bytes}`);
  const fh = await evidenceStoreOf(ctx.settings).openReader(r.sha256);
  let plain: Buffer;
  try {
    plain = await readPlainChunk(fh, key, header, chunkBytes, r.size, index);
  } catch (e) {
    if (!(e instanceof ChunkTamperedError)) throw e;
    await ctx.store.db.transaction().execute((trx) =>
      appendAudit(trx, ctx.store.dialect, { actor: `node:${peer}`, ip: null, action: 'evidence.tampered', target: `case:${r.case_id}`, details: { attachment: attachmentId, sha256: r.sha256, bad_chunk: index } }),
    );
    throw new AppError(500, 'evidence-tampered', 'Stored evidence altered', `chunk ${index} of the stored file ${r.sha256} does not verify`, { bad_chunk: index });
  } finally {
    await fh.close();
  }
  // How far the peer got is shown on the sender's transfer: written on the first chunk, every
  // SENDER_PROGRESS_EVERY chunks and the last, not once per chunk (the receiver's answer settles it).
  const ahead = index + 1 - r.next_chunk;
  if (r.state === 'offered' || (r.state === 'transferring' && ahead > 0 && (ahead >= SENDER_PROGRESS_EVERY || index + 1 === r.chunks))) {
    await ctx.store.db
      .updateTable('evidence_transfers')
      .set({ state: 'transferring', next_chunk: index + 1, updated_at: new Date().toISOString() })
      .where('attachment_id', '=', attachmentId)
      .where('state', 'in', ['offered', 'transferring'])
      .where('next_chunk', '<', index + 1)
      .execute();
  }
  const wait = rateOf(ctx).reserve(peer, plain.length);
  if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  bytesMoved(ctx)?.inc({ peer, direction: 'sent' }, plain.length);
  return plain;
}

/**
 * The receiver's answer (`evidence.received/v1`), applied in the inbox's transaction: custody
 * `receipt`. An answer that does not fit (no transfer of that attachment to that peer in that
 * case, or another hash) changes nothing: it is refused in the receipt, counted in
 * `accord_evidence_answers_refused_total`, and an answer naming another hash is shown on the
 * transfer (`error`), which stays as it was otherwise.
 */
export async function receiveAnswer(trx: DbOrTrx, e: Envelope<ReceivedBody>, ctx: NodeContext): Promise<string | void> {
  const b = e.body;
  const r = await transferRow(trx, b.attachment_id);
  if (!r || r.direction !== 'out' || r.peer !== e.from || r.case_id !== b.case_id) {
    answersRefused(ctx)?.inc({ peer: e.from, reason: 'not_sent_to_peer' });
    await recordLie(ctx, trx, {
      key: `receipt:${e.from}:${b.attachment_id}:${b.case_id}:${b.sha256}:not_sent_to_peer`,
      peer: e.from,
      caseId: b.case_id,
      attachmentId: b.attachment_id,
      action: 'evidence.lying_receipt',
      details: { reason: 'not_sent_to_peer', message: e.id, outcome: b.outcome, expected_sha256: null, claimed_sha256: b.sha256 },
    });
    return `no transfer of attachment ${b.attachment_id} to ${e.from}`;
  }
  if (b.sha256 !== r.sha256) {
    answersRefused(ctx)?.inc({ peer: e.from, reason: 'wrong_hash' });
    await recordLie(ctx, trx, {
      key: `receipt:${e.from}:${r.attachment_id}:${b.sha256}:wrong_hash`,
      peer: e.from,
      caseId: r.case_id,
      attachmentId: r.attachment_id,
      action: 'evidence.lying_receipt',
      details: { reason: 'wrong_hash', message: e.id, outcome: b.outcome, expected_sha256: r.sha256, claimed_sha256: b.sha256 },
    });
    const why = `${e.from} answered (message ${e.id}) that it ${b.outcome === 'received' ? 'received' : 'stopped'} ${b.sha256}, but the attachment's hash is ${r.sha256}: the answer was refused`;
    await trx.updateTable('evidence_transfers').set({ error: why, updated_at: new Date().toISOString() }).where('attachment_id', '=', r.attachment_id).execute();
    return `the answer names ${b.sha256}, the attachment's hash is ${r.sha256}`;
  }
  if (r.state === 'received') return;
  const now = new Date().toISOString();
  if (b.outcome === 'received') {
    await trx.updateTable('evidence_transfers').set({ state: 'received', next_chunk: r.chunks, error: null, updated_at: now, finished_at: now }).where('attachment_id', '=', r.attachment_id).execute();
    await appendCustody(ctx, trx, { caseId: r.case_id, attachmentId: r.attachment_id, sha256: r.sha256, action: 'receipt', actor: `node:${e.from}`, from: e.from, details: { message: e.id, received_at: b.at } });
    transfersFinished(ctx)?.inc({ direction: 'out', outcome: 'received' });
  } else {
    await trx.updateTable('evidence_transfers').set({ state: 'failed', error: `the peer stopped the transfer: ${b.reason ?? 'no reason given'}`, updated_at: now, finished_at: now }).where('attachment_id', '=', r.attachment_id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: `node:${e.from}`, ip: null, action: 'evidence.transfer_failed', target: `case:${r.case_id}`, details: { attachment: r.attachment_id, sha256: r.sha256, reason: b.reason ?? null } });
    transfersFinished(ctx)?.inc({ direction: 'out', outcome: 'failed' });
  }
}

// ——— Receiver ———

/**
 * An offer, applied in the inbox's transaction: refused (the reason goes into the receipt)
 * unless this node holds the case with the sender as its other party; otherwise recorded, and
 * the fetch job takes it from there.
 */
export async function receiveOffer(trx: DbOrTrx, e: Envelope<OfferBody>, ctx: NodeContext): Promise<string | void> {
  const b = e.body;
  const me = ctx.identity.node_id;
  let peer: string;
  try {
    peer = (await caseRowOrThrow(within(ctx, trx), b.case_id)).peer;
  } catch (err) {
    if (err instanceof NotFoundError) return `${me} holds no case ${b.case_id}`;
    throw err;
  }
  if (peer !== e.from) return `${e.from} is not a party to case ${b.case_id}`;
  if (b.chunks !== chunkCount(b.size, b.chunk_bytes)) return `${b.chunks} chunks do not make ${b.size} bytes in chunks of ${b.chunk_bytes}`;
  const held = await transferRow(trx, b.attachment_id);
  if (held) return held.direction === 'in' && held.peer === e.from && held.sha256 === b.sha256 ? undefined : `attachment ${b.attachment_id} is known here already`;
  const clash = await trx.selectFrom('evidence_attachments').select('id').where('id', '=', b.attachment_id).executeTakeFirst();
  if (clash) return `attachment ${b.attachment_id} is known here already`;
  const now = new Date().toISOString();
  await trx
    .insertInto('evidence_transfers')
    .values({
      attachment_id: b.attachment_id, direction: 'in', case_id: b.case_id, peer: e.from, event_id: b.event_id, sha256: b.sha256, size: b.size, name: b.name, media_type: b.media_type,
      description: b.description, added_by: b.added_by, chunk_bytes: b.chunk_bytes, chunks: b.chunks, chunk_list_sha256: b.chunk_list_sha256, chunk_hashes: '', state: 'offered',
      next_chunk: 0, attempts: 0, wrapped_key: null, error: null, offer_id: e.id, created_at: now, updated_at: now, finished_at: null,
    })
    .execute();
  noteOfferArrived(ctx);
}

/** What the sender served against its own offer: a hash list or chunk of another hash or length. */
interface SenderLie {
  /** `hash_list` or the chunk's index. */
  what: 'hash_list' | number;
  expected_sha256?: string;
  claimed_sha256?: string;
  expected_bytes?: number;
  claimed_bytes?: number | null;
}

class FetchError extends Error {
  /** `counts`: the sender answered and refused, or the bytes were wrong (a bounded number of attempts); otherwise the link failed (retried without end). `lie`: what the sender served contradicts its offer. */
  constructor(message: string, readonly counts: boolean, readonly lie?: SenderLie) {
    super(message);
  }
}

async function pull(ctx: NodeContext, baseUrl: string, peer: string, path: string, expectBytes: number, what: SenderLie['what']): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, { headers: signPeerRequest(ctx, 'GET', path, peer), signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'manual' });
  } catch (e) {
    throw new FetchError(`${peer} unreachable: ${(e as Error).message}`, false);
  }
  if (res.status !== 200) {
    const text = (await res.text().catch(() => '')).slice(0, 300);
    throw new FetchError(`${peer} answered ${res.status} for ${path}: ${text}`, res.status < 500 || res.status === 500);
  }
  const declared = Number(res.headers.get('content-length'));
  if (declared !== expectBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchError(`${peer} sent ${Number.isNaN(declared) ? 'an unknown number of' : declared} bytes for ${path} where ${expectBytes} were expected`, true, { what, expected_bytes: expectBytes, claimed_bytes: Number.isNaN(declared) ? null : declared });
  }
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (e) {
    throw new FetchError(`the link to ${peer} broke: ${(e as Error).message}`, false);
  }
}

function partOf(ctx: NodeContext, attachmentId: string): string {
  return partPath(ctx.settings.dataDir, `transfer-${attachmentId}`);
}

async function update(ctx: NodeContext, id: string, patch: Partial<Omit<EvidenceTransfersTable, 'size'>>): Promise<void> {
  await ctx.store.db.updateTable('evidence_transfers').set({ ...patch, updated_at: new Date().toISOString() }).where('attachment_id', '=', id).execute();
}

/** Stops an incoming transfer as failed, and tells the sender why. */
async function failIncoming(ctx: NodeContext, r: TransferRow, reason: string): Promise<void> {
  const now = new Date().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.updateTable('evidence_transfers').set({ state: 'failed', error: reason, updated_at: now, finished_at: now }).where('attachment_id', '=', r.attachment_id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: `node:${ctx.identity.node_id}`, ip: null, action: 'evidence.transfer_failed', target: `case:${r.case_id}`, details: { attachment: r.attachment_id, sha256: r.sha256, from: r.peer, reason } });
    const body: ReceivedBody = { case_id: r.case_id, attachment_id: r.attachment_id, sha256: r.sha256, outcome: 'failed', reason: reason.slice(0, 2000), at: now };
    await enqueueMessages(ctx, trx, r.peer, EvidenceMessage.received, [body]);
  });
  await rm(partOf(ctx, r.attachment_id), { force: true });
  transfersFinished(ctx)?.inc({ direction: 'in', outcome: 'failed' });
  ctx.events.publish({ type: 'desk.changed', source: 'evidence' });
  queued(ctx);
}

/** A chunk that failed: counted towards the bound (then the transfer fails) or, for a broken link, noted and retried later. */
async function chunkFailed(ctx: NodeContext, r: TransferRow, e: FetchError): Promise<PumpOutcome> {
  if (!e.counts) {
    await update(ctx, r.attachment_id, { error: e.message });
    return 'link';
  }
  if (e.lie) {
    // Refused (fetched again, then the transfer fails), and audited once per chunk or hash list.
    const { what, ...claim } = e.lie;
    answersRefused(ctx)?.inc({ peer: r.peer, reason: what === 'hash_list' ? 'wrong_hash_list' : 'wrong_chunk' });
    await ctx.store.db.transaction().execute((trx) =>
      recordLie(ctx, trx, {
        key: `${what === 'hash_list' ? 'hash_list' : `chunk:${what}`}:${r.peer}:${r.attachment_id}`,
        peer: r.peer,
        caseId: r.case_id,
        attachmentId: r.attachment_id,
        action: 'evidence.lying_chunk',
        details: what === 'hash_list' ? { what: 'hash_list', ...claim } : { what: 'chunk', index: what, ...claim },
      }),
    );
  }
  const attempts = r.attempts + 1;
  if (attempts >= MAX_CHUNK_ATTEMPTS) {
    await failIncoming(ctx, r, `chunk ${r.next_chunk}: ${e.message} (${attempts} attempts)`);
    return 'done';
  }
  r.attempts = attempts;
  await update(ctx, r.attachment_id, { attempts, error: e.message });
  return 'more';
}

/** The receiver's part file and its key: made on the first chunk, found again after a restart. */
async function partKey(ctx: NodeContext, r: TransferRow): Promise<{ key: Buffer; header: Buffer }> {
  const storageKey = await storageKeyOf(ctx);
  const where = `evidence_transfers:${r.attachment_id}`;
  if (r.wrapped_key) {
    try {
      const fh = await open(partOf(ctx, r.attachment_id), 'r');
      const header = Buffer.alloc(HEADER_BYTES);
      try {
        await fh.read(header, 0, HEADER_BYTES, 0);
      } finally {
        await fh.close();
      }
      return { key: unwrapFileKey(storageKey, r.wrapped_key, where), header };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // The part file is gone (it entered the store, or the disk lost it): start again from chunk 0.
    }
  }
  const key = newFileKey();
  const header = buildHeader(r.chunk_bytes, randomBytes(4));
  await writeFile(partOf(ctx, r.attachment_id), header, { mode: 0o600 });
  r.wrapped_key = wrapFileKey(storageKey, key, where);
  r.next_chunk = 0;
  r.attempts = 0;
  await update(ctx, r.attachment_id, { wrapped_key: r.wrapped_key, next_chunk: 0, attempts: 0 });
  return { key, header };
}

/** Chunk requests one transfer keeps in flight to its sender. */
const FETCH_WINDOW = 4;
/** Chunks stored between two acknowledgements (one fsync, one database write). */
const ACK_EVERY = 16;

/** How a transfer's turn ended: finished (or failed for good), more to do at once, or a link to retry later. */
type PumpOutcome = 'done' | 'more' | 'link';

type ChunkResult = { ok: true; plain: Buffer } | { ok: false; err: unknown };

/**
 * The SHA-256 of the plaintext stored so far, per incoming transfer in this process: chunks
 * are hashed in order as they are stored, so that the whole file's hash is known when the last
 * one arrives. After a restart (or when another process did part of the work) it is missing,
 * and the finished part file is read back and checked whole instead.
 */
const wholeHashes = new WeakMap<object, Map<string, { next: number; hash: Hash }>>();

function wholeHashOf(ctx: NodeContext, r: TransferRow): { next: number; hash: Hash } | null {
  let byId = wholeHashes.get(ctx.store);
  if (!byId) wholeHashes.set(ctx.store, (byId = new Map()));
  const known = byId.get(r.attachment_id);
  if (known && known.next === r.next_chunk) return known;
  byId.delete(r.attachment_id);
  if (r.next_chunk !== 0) return null;
  const fresh = { next: 0, hash: createHash('sha256') };
  byId.set(r.attachment_id, fresh);
  return fresh;
}

function forgetWholeHash(ctx: NodeContext, attachmentId: string): void {
  wholeHashes.get(ctx.store)?.delete(attachmentId);
}

/**
 * Moves one incoming transfer forward until it is done or `until` (ms since the epoch).
 * Up to FETCH_WINDOW chunks are asked for at once; each is checked against the offer's hash,
 * sealed under this node's own key and written at its place as it arrives. The chunks stored
 * without a gap are acknowledged every ACK_EVERY chunks (and when the turn ends): the part
 * file is synced to disk once, then `next_chunk` moves past them in the database. A chunk
 * written but not yet acknowledged when the node dies is fetched again after the restart and
 * written over; an acknowledged one never is. The sender's bandwidth limit holds for the
 * window as a whole (its token bucket is per peer, not per request).
 */
async function pumpOne(ctx: NodeContext, r: TransferRow, until: number): Promise<PumpOutcome> {
  const baseUrl = (await getPeer(ctx, r.peer)).base_url.replace(/\/+$/, '');
  const base = `/federation/v1/evidence/${encodeURIComponent(r.attachment_id)}`;
  if (!r.chunk_hashes) {
    let list: Buffer;
    try {
      list = await pull(ctx, baseUrl, r.peer, `${base}/hashes`, r.chunks * 32, 'hash_list');
    } catch (e) {
      if (e instanceof FetchError) return chunkFailed(ctx, r, e);
      throw e;
    }
    const got = createHash('sha256').update(list).digest('hex');
    if (got !== r.chunk_list_sha256) return chunkFailed(ctx, r, new FetchError(`the chunk hash list hashes to ${got}, the offer names ${r.chunk_list_sha256}`, true, { what: 'hash_list', expected_sha256: r.chunk_list_sha256, claimed_sha256: got }));
    r.chunk_hashes = list.toString('hex');
    r.attempts = 0;
    await update(ctx, r.attachment_id, { chunk_hashes: r.chunk_hashes, attempts: 0, error: null });
  }
  const { key, header } = await partKey(ctx, r);
  const fh = await open(partOf(ctx, r.attachment_id), 'r+');
  let failure: unknown = null;
  const whole = wholeHashOf(ctx, r);
  try {
    const storeChunk = async (i: number): Promise<Buffer> => {
      const plain = await pull(ctx, baseUrl, r.peer, `${base}/chunks/${i}`, plainBytesOf(r.size, r.chunk_bytes, i), i);
      const got = createHash('sha256').update(plain).digest('hex');
      const expected = r.chunk_hashes.slice(i * 64, i * 64 + 64);
      if (got !== expected) throw new FetchError(`chunk ${i} hashes to ${got}, the offer names ${expected}`, true, { what: i, expected_sha256: expected, claimed_sha256: got });
      const [ct, tag] = sealChunkParts(key, header, i, i === r.chunks - 1, plain);
      await fh.writev([ct, tag], HEADER_BYTES + i * (r.chunk_bytes + TAG_BYTES));
      return plain;
    };
    // In index order; each settles to a result, so that one failing while an earlier one is awaited is never an unhandled rejection.
    const inFlight: Promise<ChunkResult>[] = [];
    let asked = r.next_chunk;
    let stored = r.next_chunk;
    let bytes = 0;
    const acknowledge = async () => {
      await fh.datasync();
      // The acknowledgement: chunks before next_chunk are stored and never fetched again.
      await ctx.store.db
        .updateTable('evidence_transfers')
        .set({ next_chunk: stored, attempts: 0, error: null, state: 'transferring', updated_at: new Date().toISOString() })
        .where('attachment_id', '=', r.attachment_id)
        .where('next_chunk', '=', r.next_chunk)
        .execute();
      r.next_chunk = stored;
      r.attempts = 0;
      bytesMoved(ctx)?.inc({ peer: r.peer, direction: 'received' }, bytes);
      bytes = 0;
    };
    const fill = () => {
      while (failure === null && inFlight.length < FETCH_WINDOW && asked < r.chunks && Date.now() < until) {
        inFlight.push(storeChunk(asked++).then((plain): ChunkResult => ({ ok: true, plain }), (err: unknown): ChunkResult => ({ ok: false, err })));
      }
    };
    fill();
    while (inFlight.length > 0 && failure === null) {
      const res = await inFlight.shift()!;
      if (!res.ok) {
        failure = res.err;
        break;
      }
      if (whole?.next === stored) {
        whole.hash.update(res.plain);
        whole.next++;
      }
      stored++;
      bytes += res.plain.length;
      if (stored - r.next_chunk >= ACK_EVERY) await acknowledge();
      fill();
    }
    // Chunks still in flight after a failure are written or not: unacknowledged, they are fetched again.
    await Promise.all(inFlight);
    if (stored > r.next_chunk) await acknowledge();
    if (failure === null && r.next_chunk === r.chunks) await fh.truncate(HEADER_BYTES + r.size + r.chunks * TAG_BYTES);
  } finally {
    await fh.close();
  }
  if (failure instanceof FetchError) return chunkFailed(ctx, r, failure);
  if (failure !== null) throw failure;
  if (r.next_chunk < r.chunks) return 'more';
  forgetWholeHash(ctx, r.attachment_id);
  await finishIncoming(ctx, r, key, whole?.next === r.chunks ? whole.hash.digest('hex') : null);
  return 'done';
}

/**
 * Every chunk is here: the whole file's SHA-256 must be the one the offer names before it
 * enters the store (hashed as the chunks were stored, in order, by this process; or, when a
 * restart came between, by reading the part file back with every tag checked). Then the
 * attachment shows as received, custody records `transfer_received` and the signed answer
 * goes back to the sender; all in one transaction.
 */
async function finishIncoming(ctx: NodeContext, r: TransferRow, fileKey: Buffer, hashedAsStored: string | null): Promise<void> {
  const part = partOf(ctx, r.attachment_id);
  if (hashedAsStored !== null) {
    if (hashedAsStored !== r.sha256) return failIncoming(ctx, r, `the whole file hashes to ${hashedAsStored}, the offer names ${r.sha256}`);
  } else {
    const report = await verifyEvidence(createReadStream(part, { highWaterMark: 1024 * 1024 }), fileKey, r.sha256);
    if (!report.ok) {
      const why = report.format_error ?? (report.bad_chunks.length ? `chunks ${report.bad_chunks.join(', ')} do not verify in the stored copy` : `the whole file hashes to ${report.sha256}, the offer names ${r.sha256}`);
      return failIncoming(ctx, r, why);
    }
  }
  const storageKey = await storageKeyOf(ctx);
  const now = new Date().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    const wrapped = wrapFileKey(storageKey, fileKey, `evidence_files:${r.sha256}`);
    const ins = await trx
      .insertInto('evidence_files')
      .values({ sha256: r.sha256, size: r.size, chunk_bytes: r.chunk_bytes, wrapped_key: wrapped, origin: 'received', stored_at: now, removed_at: null })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .executeTakeFirst();
    let take = Number(ins.numInsertedOrUpdatedRows ?? 0) > 0;
    if (!take) {
      const revived = await trx.updateTable('evidence_files').set({ wrapped_key: wrapped, size: r.size, chunk_bytes: r.chunk_bytes, stored_at: now, removed_at: null }).where('sha256', '=', r.sha256).where('removed_at', 'is not', null).executeTakeFirst();
      take = Number(revived.numUpdatedRows) > 0;
    }
    // Only the transfer that made or revived the row stores its copy (each copy has its own key).
    if (take) await evidenceStoreOf(ctx.settings).put(r.sha256, part);
    await trx
      .insertInto('evidence_attachments')
      .values({ id: r.attachment_id, case_id: r.case_id, event_id: r.event_id, sha256: r.sha256, name: r.name, media_type: r.media_type, description: r.description, size: r.size, added_by: `node:${r.peer}`, added_at: now, hold: 0, deleted_at: null, transfer_state: 'received' })
      .execute();
    await trx.updateTable('evidence_transfers').set({ state: 'received', error: null, updated_at: now, finished_at: now }).where('attachment_id', '=', r.attachment_id).execute();
    await appendCustody(ctx, trx, { caseId: r.case_id, attachmentId: r.attachment_id, sha256: r.sha256, action: 'transfer_received', actor: `node:${r.peer}`, from: r.peer, details: { from: r.peer, offer: r.offer_id, added_by: r.added_by, size: r.size, chunks: r.chunks, name: r.name }, at: new Date(now) });
    const body: ReceivedBody = { case_id: r.case_id, attachment_id: r.attachment_id, sha256: r.sha256, outcome: 'received', at: now };
    await enqueueMessages(ctx, trx, r.peer, EvidenceMessage.received, [body]);
  });
  await rm(part, { force: true });
  transfersFinished(ctx)?.inc({ direction: 'in', outcome: 'received' });
  ctx.events.publish({ type: 'desk.changed', source: 'evidence' });
  queued(ctx);
}

const BATCH_OF_TRANSFERS = 20;
/** Retrying a sender that could not be reached: after 1 s, doubling up to this. */
const LINK_RETRY_MAX_MS = 15_000;
const linkFailuresInARow = new WeakMap<object, number>();

/**
 * Moves incoming transfers forward, oldest first, for about RUN_BUDGET_MS (the `evidence.fetch`
 * job). Answers when to run again: 0 with more to do now, a delay in ms when only a broken
 * link held a transfer back (1 s, doubling while it stays broken), null when nothing waits.
 */
export async function pumpIncoming(ctx: NodeContext, log?: FastifyBaseLogger, budgetMs = RUN_BUDGET_MS): Promise<number | null> {
  const until = Date.now() + budgetMs;
  const rows = await ctx.store.db.selectFrom('evidence_transfers').selectAll().where('direction', '=', 'in').where('state', 'in', ['offered', 'transferring']).orderBy('created_at').limit(BATCH_OF_TRANSFERS).execute();
  let more = rows.length === BATCH_OF_TRANSFERS;
  let link = false;
  for (const row of rows) {
    if (Date.now() >= until) return 0;
    try {
      const outcome = await pumpOne(ctx, { ...row, size: Number(row.size) }, until);
      if (outcome === 'more') more = true;
      if (outcome === 'link') link = true;
    } catch (err) {
      log?.warn({ err, attachment: row.attachment_id }, 'evidence transfer did not move forward');
      await update(ctx, row.attachment_id, { error: (err as Error).message.slice(0, 2000) }).catch(() => undefined);
      link = true;
    }
  }
  if (more) {
    linkFailuresInARow.delete(ctx.store);
    return 0;
  }
  if (!link) return null;
  const failures = (linkFailuresInARow.get(ctx.store) ?? 0) + 1;
  linkFailuresInARow.set(ctx.store, failures);
  return Math.min(LINK_RETRY_MAX_MS, 1000 * 2 ** (failures - 1));
}
