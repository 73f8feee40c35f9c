import type { ColumnType } from 'kysely';

type Bytes = ColumnType<number | string, number, number>;

/**
 * Where a transfer stands. The sender: `offered` (the offer is in the outbox or delivered),
 * `transferring` (the peer fetched chunks), `received` (the peer's signed receipt came back).
 * The receiver: `offered` (nothing fetched yet), `transferring`, `received` (every chunk and
 * the whole hash checked, the attachment shown), `failed` (with `error`).
 */
export type TransferRowState = 'offered' | 'transferring' | 'received' | 'failed';

/** One attachment moving to (`out`) or from (`in`) the other party of its case. */
export interface EvidenceTransfersTable {
  /** The sender's attachment id; the receiver's attachment keeps the same id. */
  attachment_id: string;
  direction: 'out' | 'in';
  case_id: string;
  /** The other party: where it goes, or where it comes from. */
  peer: string;
  event_id: string | null;
  sha256: string;
  size: Bytes;
  name: string;
  media_type: string;
  description: string;
  added_by: string;
  chunk_bytes: number;
  chunks: number;
  /** SHA-256 (hex) of the chunk hash list (the raw 32-byte hashes one after the other), as the offer names it. */
  chunk_list_sha256: string;
  /** The SHA-256 (hex) of every plaintext chunk, concatenated (64 characters each); empty on the receiver until fetched. */
  chunk_hashes: string;
  state: TransferRowState;
  /** The sender: one past the highest chunk served; the receiver: the next chunk to fetch (all before it are stored and acknowledged). */
  next_chunk: number;
  /** Fetches of `next_chunk` that failed its hash (receiver). */
  attempts: number;
  /** The receiver's own file key for the part file, sealed with the storage key (`evidence_transfers:<id>`). */
  wrapped_key: string | null;
  error: string | null;
  /** The id of the offer envelope (sender: sent; receiver: received). */
  offer_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A signed peer request answered once (peer-request.ts): a replay of it within the replay window is refused. */
export interface EvidenceSeenRequestsTable {
  /** The request's Accord-Signature value (fingerprint and signature). */
  signature: string;
  peer: string;
  seen_at: string;
}

/** A contradicting answer of a peer, recorded once (its audit entry is written when the row is). */
export interface EvidencePeerLiesTable {
  /** What was claimed, as a stable key: `receipt:<message id>`, `chunk:<attachment>:<index>:<sha256>`, … */
  key: string;
  peer: string;
  attachment_id: string;
  at: string;
}

declare module '../../store/schema.js' {
  interface Database {
    evidence_peer_lies: EvidencePeerLiesTable;
    evidence_transfers: EvidenceTransfersTable;
    evidence_seen_requests: EvidenceSeenRequestsTable;
  }
}
