import type { ColumnType } from 'kysely';

/** A byte count: PostgreSQL's bigint comes back as a string; read it with Number(). */
type Bytes = ColumnType<number | string, number, number>;

/**
 * One stored file per distinct content: the content address (SHA-256 hex of the plaintext)
 * and the file's own AES-256-GCM key, wrapped by the node's storage key. The ciphertext lives
 * on disk (storage/file-store.ts). When the content is deleted the row stays, with the key
 * destroyed and `removed_at` set, so the hash is kept.
 */
export interface EvidenceFilesTable {
  sha256: string;
  size: Bytes;
  chunk_bytes: number;
  /** The file key sealed with the storage key (crypto/secret-box.ts format); null once the content is deleted. */
  wrapped_key: string | null;
  /** `uploaded` here, or `received` from a peer (the transfer seam). */
  origin: 'uploaded' | 'received';
  stored_at: string;
  removed_at: string | null;
}

/** The transfer seam: a file's state towards the case's other party. */
export type TransferState = 'local' | 'sent' | 'received';

/** A file attached to a case (and optionally to one of its events), as users see it. */
export interface EvidenceAttachmentsTable {
  id: string;
  case_id: string;
  event_id: string | null;
  sha256: string;
  name: string;
  media_type: string;
  description: string;
  size: Bytes;
  added_by: string;
  added_at: string;
  /** Legal hold: 1 while the content may not be deleted. */
  hold: number;
  deleted_at: string | null;
  transfer_state: TransferState;
}

/**
 * A resumable upload in progress (tus). Its encrypted part file and the sealed tail of a
 * chunk not yet full are on disk; `received` is informative (the files are the truth).
 */
export interface EvidenceUploadsTable {
  id: string;
  case_id: string;
  event_id: string | null;
  name: string;
  media_type: string;
  description: string;
  length: Bytes;
  received: Bytes;
  chunk_bytes: number;
  /** The file key sealed with the storage key, bound to this upload's id. */
  wrapped_key: string;
  user_id: string;
  created_at: string;
  updated_at: string;
}

/** The chain of custody: one signed envelope per entry, chained per case (custody.service.ts). */
export interface EvidenceCustodyTable {
  case_id: string;
  seq: number;
  attachment_id: string;
  action: string;
  at: string;
  /** The canonical JSON (RFC 8785) of the signed envelope. */
  envelope: string;
  /** SHA-256 hex of `envelope`: the next entry's `prev`. */
  digest: string;
}

declare module '../store/schema.js' {
  interface Database {
    evidence_files: EvidenceFilesTable;
    evidence_attachments: EvidenceAttachmentsTable;
    evidence_uploads: EvidenceUploadsTable;
    evidence_custody: EvidenceCustodyTable;
  }
}
