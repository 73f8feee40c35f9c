import type { Readable } from 'node:stream';
import type { NodeContext } from '../../context.js';
import type { Envelope } from '../../federation/protocol/envelope.js';

/**
 * What a case bundle takes from the rest of the evidence capability: the case's custody log
 * and its attachments. They are gathered here, behind three small functions, so that the
 * exporter does not depend on how evidence is stored.
 *
 * SEAM: the custody log and attachment storage (evidence.service.ts: custodyLog,
 * attachmentsOf and the plaintext stream) are being built alongside; until they exist a case
 * has no custody entries and no attachments, and bundles carry none.
 */

/** One custody entry: a federation envelope of type evidence.custody/v1, from and to the recording node. */
export interface CustodyBody {
  case_id: string;
  /** 1..n per case. */
  seq: number;
  /** SHA-256 (hex) of the previous entry's full canonical envelope JSON; null for seq 1. */
  prev: string | null;
  at: string;
  actor: string;
  /** The client's IP address or the peer node's id, when known. */
  from: string | null;
  action: 'upload' | 'transfer_sent' | 'transfer_received' | 'receipt' | 'download' | 'view' | 'export' | 'hold' | 'release' | 'delete';
  attachment_id: string | null;
  sha256: string | null;
  details?: Record<string, unknown>;
}

export interface AttachmentRow {
  id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  /** false once the content was deleted under a retention rule (the hash is kept). */
  present?: boolean;
}

/** The case's custody log, in seq order. */
export async function custodyEntriesOf(_ctx: NodeContext, _caseId: string): Promise<Envelope<CustodyBody>[]> {
  return [];
}

/** The case's attachments (metadata only). */
export async function caseAttachmentsOf(_ctx: NodeContext, _caseId: string): Promise<AttachmentRow[]> {
  return [];
}

/** The plaintext of one attachment, decrypted as it streams. */
export async function openAttachmentPlaintext(_ctx: NodeContext, a: AttachmentRow): Promise<Readable> {
  throw new Error(`attachment ${a.id}: the attachment store is not available on this node yet`);
}
