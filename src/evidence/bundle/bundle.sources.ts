import { Readable } from 'node:stream';
import type { Actor, NodeContext } from '../../context.js';
import type { Envelope } from '../../federation/protocol/envelope.js';
import { custodyActor } from '../custody.service.js';
import { attachmentsOf, custodyLog, openAttachmentPlaintext, recordCustody, type CustodyBody } from '../evidence.service.js';

/**
 * What a case bundle takes from the rest of the evidence capability: the case's custody log,
 * its attachments, and their plaintext. Each export of an attachment is itself a custody
 * entry (`export`), recorded before the log is read, so the bundle shows its own making.
 */

export type { CustodyBody };

export interface AttachmentRow {
  id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  /** false once the content was deleted under a retention rule (the hash is kept). */
  present: boolean;
}

/** The case's custody log on this node, in seq order. */
export function custodyEntriesOf(ctx: NodeContext, caseId: string): Promise<Envelope<CustodyBody>[]> {
  return custodyLog(ctx.store.db, caseId);
}

/** The case's attachments (metadata only), deleted ones too. */
export async function caseAttachmentsOf(ctx: NodeContext, caseId: string): Promise<AttachmentRow[]> {
  return (await attachmentsOf(ctx.store.db, caseId)).map((a) => ({ id: a.id, sha256: a.sha256, name: a.name, media_type: a.media_type, size: a.size, present: a.deleted_at === null }));
}

/**
 * Opens one attachment's plaintext for the bundle (decrypted and checked chunk by chunk as it
 * streams), recording an `export` custody entry; refused to auditors unless the node allows
 * them content (evidenceAuditorsDownload).
 */
export async function openAttachmentForExport(ctx: NodeContext, actor: Actor, caseId: string, a: AttachmentRow, role?: string): Promise<Readable> {
  const { stream } = await openAttachmentPlaintext(ctx, actor, caseId, a.id, { action: 'export', details: { bundle: true }, ...(role ? { role } : {}) });
  return Readable.from(stream);
}

/** Records that an attachment's hash, not its content, went into a bundle. */
export async function recordHashExport(ctx: NodeContext, actor: Actor, caseId: string, a: AttachmentRow): Promise<void> {
  await recordCustody(ctx, { caseId, attachmentId: a.id, sha256: a.sha256, action: 'export', actor: custodyActor(ctx, actor.ref), from: actor.ip ?? null, details: { bundle: true, content: false } });
}
