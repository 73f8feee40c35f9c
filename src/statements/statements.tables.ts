import type { StatementEventType } from './statements.schemas.js';

/**
 * The signed history of every joint statement and agreement of the groups this node takes part
 * in (the shared event log, src/federation/event-log): one row per event keyed by (author,
 * event_id), one log per group, with `statement_id` copied out.
 */
export interface StatementEventsTable {
  event_id: string;
  group_id: string;
  statement_id: string;
  type: StatementEventType;
  author: string;
  created_at: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** A second, different body that an author signed under an (author, event_id) held already: neither counts. */
export interface StatementEventEquivocationsTable {
  event_id: string;
  author: string;
  digest: string;
  group_id: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** The members that joined a group after it was founded and to whom this node relayed the group's statements. */
export interface StatementRelaysTable {
  group_id: string;
  node: string;
  proposal_id: string;
  relayed_at: string;
  events: number;
}

declare module '../store/schema.js' {
  interface Database {
    statement_events: StatementEventsTable;
    statement_event_equivocations: StatementEventEquivocationsTable;
    statement_relays: StatementRelaysTable;
  }
}
