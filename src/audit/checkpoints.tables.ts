/** This node's own signed checkpoints of its audit chain: one per audit sequence number. */
export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: string;
  node_id: string;
  sig_key: string;
  sig: string;
  /** The chain's head once the checkpoint's own sends were audited: the job skips a chain that has not moved past it. */
  head_after: number;
}

/** Checkpoints of peers' audit chains that this node witnessed, keyed by (node, seq). */
export interface AuditWitnessedTable {
  node_id: string;
  seq: number;
  hash: string;
  at: string;
  sig_key: string;
  sig: string;
  received_at: string;
  /** A second, different checkpoint the node signed for the same seq (JSON): proof that it rewrote its chain. */
  conflict: string | null;
  conflict_at: string | null;
}

declare module '../store/schema.js' {
  interface Database {
    audit_checkpoints: AuditCheckpointsTable;
    audit_witnessed: AuditWitnessedTable;
  }
}
