import type { PlanEventType } from './plans.schemas.js';

/**
 * The signed history of every plan of the groups this node takes part in (the shared event
 * log, src/federation/event-log): one row per event keyed by (author, event_id), one log per
 * group (`group_id`), with `plan_id` copied out so a plan is read without parsing.
 */
export interface PlanEventsTable {
  event_id: string;
  group_id: string;
  plan_id: string;
  type: PlanEventType;
  author: string;
  created_at: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** A second, different body that an author signed under an (author, event_id) held already: neither counts. */
export interface PlanEventEquivocationsTable {
  event_id: string;
  author: string;
  digest: string;
  group_id: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** The members that joined a group after it was founded and to whom this node relayed the group's plans. */
export interface PlanRelaysTable {
  group_id: string;
  node: string;
  /** The group proposal that made it a member (a node may leave and join again). */
  proposal_id: string;
  relayed_at: string;
  /** How many signed events went. */
  events: number;
}

declare module '../store/schema.js' {
  interface Database {
    plan_events: PlanEventsTable;
    plan_event_equivocations: PlanEventEquivocationsTable;
    plan_relays: PlanRelaysTable;
  }
}
