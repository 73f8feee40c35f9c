export const PeerStatus = { active: 'active', suspended: 'suspended', removed: 'removed' } as const;
export type PeerStatus = (typeof PeerStatus)[keyof typeof PeerStatus];

export interface PeersTable {
  node_id: string;
  base_url: string;
  country: string;
  names: string;
  authority_kinds: string;
  key_suite: string;
  public_key: string;
  fingerprint: string;
  status: PeerStatus;
  added_at: string;
  updated_at: string;
  last_contact_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** Consecutive failed delivery attempts; drives the backoff. */
  failures: number;
  next_attempt_at: string | null;
  /** The next release number for messages to this peer. */
  next_seq: number;
  /** Delivery to one peer is owned by one worker at a time (compare-and-set lease). */
  lease_owner: string | null;
  lease_until: string | null;
  /** JSON: [{ public_key, fingerprint, retired_at }] — accepted only for messages issued at or before retired_at (the rotation announcement itself is signed at that instant). */
  retired_keys: string;
}

export const OutboxState = { pending: 'pending', delivered: 'delivered', rejected: 'rejected' } as const;
export type OutboxState = (typeof OutboxState)[keyof typeof OutboxState];

export interface OutboxTable {
  id: string;
  peer_id: string;
  seq: number;
  type: string;
  envelope: string;
  state: OutboxState;
  created_at: string;
  delivered_at: string | null;
  receipt_id: string | null;
  reject_reason: string | null;
}

export interface InboxTable {
  id: string;
  from_node: string;
  seq: number | null;
  type: string;
  envelope: string;
  digest: string;
  received_at: string;
  batch_id: string;
}

export interface ReceiptsTable {
  batch_id: string;
  peer_id: string;
  receipt: string;
  received_at: string;
}

/** A signed receipt this node issued for a batch holding messages whose type keeps it (MessageType.keepIssuedReceipt). */
export interface IssuedReceiptsTable {
  batch_id: string;
  /** The peer that sent the batch. */
  peer_id: string;
  /** The receipt's canonical JSON, as it was sent. */
  receipt: string;
  received_at: string;
}

/** Batch ids seen inside the replay window: a replayed batch is refused even before its messages. */
export interface SeenBatchesTable {
  batch_id: string;
  from_node: string;
  received_at: string;
}

export interface NoticesTable {
  id: string;
  from_node: string;
  subject: string;
  text: string;
  issued_at: string;
  received_at: string;
}

/** A batch written to a transfer file (air gap): JSON array of its message ids. */
export interface TransferBatchesTable {
  batch_id: string;
  peer_id: string;
  message_ids: string;
  created_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    peers: PeersTable;
    outbox: OutboxTable;
    inbox: InboxTable;
    receipts: ReceiptsTable;
    issued_receipts: IssuedReceiptsTable;
    seen_batches: SeenBatchesTable;
    notices: NoticesTable;
    transfer_batches: TransferBatchesTable;
  }
}
