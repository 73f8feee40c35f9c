export const GroupEventType = { proposal: 'proposal', consent: 'consent', refusal: 'refusal' } as const;
export type GroupEventType = (typeof GroupEventType)[keyof typeof GroupEventType];

/**
 * The signed history of every group this node takes part in: one row per event (proposal,
 * consent, refusal), with the author-signed envelope that proves it. Append-only; the state of
 * a group is a pure fold over its rows (groups.rules.ts).
 */
export interface GroupEventsTable {
  /** The event's own id (UUIDv7 in the signed body), the same on every node. */
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

declare module '../store/schema.js' {
  interface Database {
    group_events: GroupEventsTable;
  }
}
