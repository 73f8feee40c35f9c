export const GroupEventType = { proposal: 'proposal', consent: 'consent', refusal: 'refusal' } as const;
export type GroupEventType = (typeof GroupEventType)[keyof typeof GroupEventType];

/**
 * The signed history of every group this node takes part in: one row per event (proposal,
 * consent, refusal), keyed by (author, event_id), with the author-signed envelope that proves
 * it. Append-only; the state of a group is a pure fold over its rows (groups.rules.ts).
 */
export interface GroupEventsTable {
  /** The event's own id (UUIDv7 in the signed body); with the author, the event's key. */
  event_id: string;
  group_id: string;
  type: GroupEventType;
  /** The node that signed the event. */
  author: string;
  /** From the signed body; orders the fold together with event_id. */
  created_at: string;
  /** For consents and refusals: the proposal they answer. */
  proposal_id: string | null;
  /** For proposals: create, add_member, remove_member, change_agreement, change_charter. */
  kind: string | null;
  /** The signed envelope (JSON) as this node holds it. */
  envelope: string;
  /** Fingerprint of the key that signed the envelope. */
  sig_key: string;
  received_at: string;
}

/**
 * Evidence of equivocation: a second, different body that an author signed under an
 * (author, event_id) that group_events holds already. Neither body counts in the fold.
 */
export interface GroupEventEquivocationsTable {
  event_id: string;
  author: string;
  /** SHA-256 of the RFC 8785 form of this body. */
  digest: string;
  group_id: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    group_events: GroupEventsTable;
    group_event_equivocations: GroupEventEquivocationsTable;
  }
}
