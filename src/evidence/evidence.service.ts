import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import { caseRowOrThrow } from '../cases/cases.service.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import { appendCustody, custodyActor, custodyLog, custodyOfAttachment, recordCustody, type CustodyAction, type CustodyBody } from './custody.service.js';
import { storageKeyOf } from './evidence.keys.js';
import type { TransferState } from './evidence.tables.js';
import { ChunkTamperedError, decryptEvidence, EvidenceFormatError, verifyEvidence, type VerifyReport } from './storage/chunked-cipher.js';
import { evidenceStoreOf } from './storage/evidence-store.js';
import { unwrapFileKey } from './storage/storage-key.js';

export { custodyLog, recordCustody, type CustodyBody };

/** An attachment as the API shows it. */
export interface Attachment {
  id: string;
  case_id: string;
  event_id: string | null;
  sha256: string;
  name: string;
  media_type: string;
  description: string;
  size: number;
  added_by: string;
  added_at: string;
  hold: boolean;
  deleted_at: string | null;
  /** The transfer seam: `local` (only here), `sent` to the other party, or `received` from it. */
  transfer_state: TransferState;
}

export class ContentDeletedError extends AppError {
  override name = 'ContentDeletedError';
  constructor(id: string, at: string) {
    super(410, 'evidence-deleted', 'Content deleted', `the content of attachment ${id} was deleted on ${at}; its hash is kept`, { deleted_at: at });
  }
}

export class EvidenceTamperedError extends AppError {
  override name = 'EvidenceTamperedError';
  constructor(sha256: string, detail: string, extra: Record<string, unknown>) {
    super(500, 'evidence-tampered', 'Stored evidence altered', `the stored file ${sha256} does not verify: ${detail}`, extra);
  }
}

type AttachmentRow = Awaited<ReturnType<typeof attachmentRows>>[number];

function attachmentRows(db: DbOrTrx, caseId: string) {
  return db.selectFrom('evidence_attachments').selectAll().where('case_id', '=', caseId).orderBy('added_at').orderBy('id').execute();
}

function toAttachment(r: AttachmentRow): Attachment {
  return { ...r, size: Number(r.size), hold: r.hold === 1 };
}

/** A case's attachments (deleted ones too, with their hashes), oldest first. */
export async function attachmentsOf(db: DbOrTrx, caseId: string): Promise<Attachment[]> {
  return (await attachmentRows(db, caseId)).map(toAttachment);
}

async function attachmentOrThrow(db: DbOrTrx, caseId: string, id: string): Promise<Attachment> {
  const r = await db.selectFrom('evidence_attachments').selectAll().where('id', '=', id).where('case_id', '=', caseId).executeTakeFirst();
  if (!r) throw new NotFoundError(`attachment ${id}`);
  return toAttachment(r);
}

/** The attachments of a case this node holds. */
export async function listAttachments(ctx: NodeContext, caseId: string): Promise<Attachment[]> {
  await caseRowOrThrow(ctx, caseId);
  return attachmentsOf(ctx.store.db, caseId);
}

/** One attachment with its custody entries; reading it is a `view` in custody. */
export async function viewAttachment(ctx: NodeContext, actor: Actor, caseId: string, id: string): Promise<{ attachment: Attachment; custody: Envelope<CustodyBody>[] }> {
  await caseRowOrThrow(ctx, caseId);
  const a = await attachmentOrThrow(ctx.store.db, caseId, id);
  await recordCustody(ctx, { caseId, attachmentId: id, sha256: a.sha256, action: 'view', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null });
  return { attachment: a, custody: await custodyOfAttachment(ctx.store.db, id) };
}

/** A case's custody log (every attachment), in order. */
export async function caseCustody(ctx: NodeContext, caseId: string): Promise<Envelope<CustodyBody>[]> {
  await caseRowOrThrow(ctx, caseId);
  return custodyLog(ctx.store.db, caseId);
}

async function fileKeyOf(ctx: NodeContext, sha256: string): Promise<{ key: Buffer; size: number } | null> {
  const f = await ctx.store.db.selectFrom('evidence_files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  if (!f?.wrapped_key) return null;
  return { key: unwrapFileKey(await storageKeyOf(ctx), f.wrapped_key, `evidence_files:${sha256}`), size: Number(f.size) };
}

/**
 * A stored file's plaintext as a stream, every chunk checked as it is read and the whole
 * hash at the end; the stream throws ChunkTamperedError naming the first chunk that does not
 * verify, or EvidenceTamperedError when the file is cut short or its hash differs.
 */
export async function* plaintextOf(ctx: NodeContext, sha256: string): AsyncGenerator<Buffer> {
  const k = await fileKeyOf(ctx, sha256);
  if (!k) throw new NotFoundError(`stored file ${sha256}`);
  const hash = createHash('sha256');
  try {
    for await (const plain of decryptEvidence(evidenceStoreOf(ctx.settings).stream(sha256), k.key)) {
      hash.update(plain);
      yield plain;
    }
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw new EvidenceTamperedError(sha256, e.message, { format_error: e.message });
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceTamperedError(sha256, 'the file is missing from the store', { missing: true });
    throw e;
  }
  const got = hash.digest('hex');
  if (got !== sha256) throw new EvidenceTamperedError(sha256, `its content hashes to ${got}`, { actual_sha256: got });
}

/**
 * Opens an attachment's plaintext for reading (download, case bundle), recording custody
 * (`download` by default). Refused for auditors unless the node allows it
 * (evidenceAuditorsDownload); 410 once the content was deleted.
 * @example const { attachment, stream } = await openAttachmentPlaintext(ctx, actor, caseId, id, { role: 'officer' })
 */
export async function openAttachmentPlaintext(
  ctx: NodeContext,
  actor: Actor,
  caseId: string,
  id: string,
  o: { role?: string; action?: Extract<CustodyAction, 'download' | 'export'>; details?: Record<string, unknown> } = {},
): Promise<{ attachment: Attachment; stream: AsyncGenerator<Buffer> }> {
  if (o.role === 'auditor' && !ctx.settings.evidenceAuditorsDownload) throw new ForbiddenError('auditors verify attachments but do not download their content on this node (evidenceAuditorsDownload)');
  await caseRowOrThrow(ctx, caseId);
  const a = await attachmentOrThrow(ctx.store.db, caseId, id);
  if (a.deleted_at) throw new ContentDeletedError(id, a.deleted_at);
  await recordCustody(ctx, { caseId, attachmentId: id, sha256: a.sha256, action: o.action ?? 'download', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null, ...(o.details ? { details: o.details } : {}) });
  return { attachment: a, stream: plaintextOf(ctx, a.sha256) };
}

/** Audits a download that stopped at a stored chunk that does not verify (the client got an error, never silently). */
export async function reportTampered(ctx: NodeContext, actor: Actor, a: Attachment, err: unknown): Promise<void> {
  const details = { attachment: a.id, sha256: a.sha256, ...(err instanceof ChunkTamperedError ? { bad_chunk: err.chunk } : { error: (err as Error).message }) };
  await ctx.store.db.transaction().execute((trx) => appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'evidence.tampered', target: `case:${a.case_id}`, details }));
}

export interface FileVerification extends VerifyReport {
  expected_sha256: string;
  missing: boolean;
}

async function verifyStored(ctx: NodeContext, sha256: string): Promise<FileVerification> {
  const k = await fileKeyOf(ctx, sha256);
  if (!k) return { expected_sha256: sha256, missing: true, ok: false, sha256: null, size: 0, bad_chunks: [], format_error: 'no key: the content was deleted' };
  try {
    const r = await verifyEvidence(evidenceStoreOf(ctx.settings).stream(sha256), k.key, sha256);
    return { ...r, expected_sha256: sha256, missing: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { expected_sha256: sha256, missing: true, ok: false, sha256: null, size: 0, bad_chunks: [], format_error: 'the file is missing from the store' };
    throw e;
  }
}

/** Checks one attachment's stored file, every chunk, naming each that does not verify; audited. */
export async function verifyAttachment(ctx: NodeContext, actor: Actor, caseId: string, id: string): Promise<FileVerification> {
  await caseRowOrThrow(ctx, caseId);
  const a = await attachmentOrThrow(ctx.store.db, caseId, id);
  if (a.deleted_at) throw new ContentDeletedError(id, a.deleted_at);
  const r = await verifyStored(ctx, a.sha256);
  await ctx.store.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: r.ok ? 'evidence.verify' : 'evidence.tampered', target: `case:${caseId}`, details: { attachment: id, sha256: a.sha256, ok: r.ok, bad_chunks: r.bad_chunks } }),
  );
  return r;
}

/** Checks every file in the store (admin, auditor; `accord`'s verify route). */
export async function verifyStore(ctx: NodeContext, actor: Actor): Promise<{ files: number; ok: number; failed: FileVerification[] }> {
  const rows = await ctx.store.db.selectFrom('evidence_files').select('sha256').where('removed_at', 'is', null).orderBy('sha256').execute();
  const failed: FileVerification[] = [];
  for (const r of rows) {
    const v = await verifyStored(ctx, r.sha256);
    if (!v.ok) failed.push(v);
  }
  await ctx.store.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'evidence.verify_store', target: 'evidence', details: { files: rows.length, failed: failed.map((f) => ({ sha256: f.expected_sha256, bad_chunks: f.bad_chunks, missing: f.missing })) } }),
  );
  return { files: rows.length, ok: rows.length - failed.length, failed };
}

/** Puts an attachment on legal hold (its content may not be deleted) or releases it. */
export async function setHold(ctx: NodeContext, actor: Actor, caseId: string, id: string, hold: boolean): Promise<Attachment> {
  await caseRowOrThrow(ctx, caseId);
  await ctx.store.db.transaction().execute(async (trx) => {
    const a = await attachmentOrThrow(trx, caseId, id);
    if (a.hold === hold) return;
    await trx.updateTable('evidence_attachments').set({ hold: hold ? 1 : 0 }).where('id', '=', id).execute();
    await appendCustody(ctx, trx, { caseId, attachmentId: id, sha256: a.sha256, action: hold ? 'hold' : 'release', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null });
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: hold ? 'evidence.hold' : 'evidence.release', target: `case:${caseId}`, details: { attachment: id, sha256: a.sha256 } });
  });
  return attachmentOrThrow(ctx.store.db, caseId, id);
}

const CLOSED = new Set(['closed', 'refused', 'withdrawn']);

/**
 * Deletes an attachment's content under retention: only once the case is over (closed,
 * refused or withdrawn) and never while on hold. The row and the hash stay, `deleted_at` is
 * set and custody records `delete`; the stored file (and its key) goes when no other live
 * attachment names the same content.
 */
export async function deleteContent(ctx: NodeContext, actor: Actor, caseId: string, id: string, reason?: string): Promise<Attachment> {
  const c = await caseRowOrThrow(ctx, caseId);
  if (!CLOSED.has(c.status)) throw new ConflictError(`the case is ${c.status}: attachments are deleted only after it is closed, refused or withdrawn`);
  let removeFile: string | null = null;
  await ctx.store.db.transaction().execute(async (trx) => {
    const a = await attachmentOrThrow(trx, caseId, id);
    if (a.hold) throw new ConflictError(`attachment ${id} is on legal hold: release it first`);
    if (a.deleted_at) return;
    const now = new Date().toISOString();
    await trx.updateTable('evidence_attachments').set({ deleted_at: now }).where('id', '=', id).execute();
    const others = await trx.selectFrom('evidence_attachments').select('id').where('sha256', '=', a.sha256).where('deleted_at', 'is', null).limit(1).executeTakeFirst();
    if (!others) {
      await trx.updateTable('evidence_files').set({ wrapped_key: null, removed_at: now }).where('sha256', '=', a.sha256).execute();
      removeFile = a.sha256;
    }
    await appendCustody(ctx, trx, { caseId, attachmentId: id, sha256: a.sha256, action: 'delete', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null, details: { content_removed: !others, ...(reason ? { reason } : {}) } });
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'evidence.delete', target: `case:${caseId}`, details: { attachment: id, sha256: a.sha256, content_removed: !others } });
  });
  // After commit: the key is gone from the database already, so the file is unreadable even if this fails.
  if (removeFile) await evidenceStoreOf(ctx.settings).remove(removeFile);
  return attachmentOrThrow(ctx.store.db, caseId, id);
}
