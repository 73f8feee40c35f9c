import type { CaseStatus } from './cases.rules.js';

/**
 * The signed events of every case this node is a party to, keyed by (author, event_id), with
 * the author-signed envelope that proves each. Append-only; a case's state is a pure fold
 * over its rows (cases.rules.ts).
 */
export interface CaseEventsTable {
  event_id: string;
  case_id: string;
  /** The action: open, acknowledge, execute, … */
  type: string;
  author: string;
  created_at: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** A second, different body an author signed under an event key case_events holds: evidence, never counted. */
export interface CaseEventEquivocationsTable {
  event_id: string;
  author: string;
  digest: string;
  case_id: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/**
 * One row per case, rewritten from the fold after every event: what the case list filters,
 * sorts and searches without folding 100,000 logs. Never the source of truth.
 */
export interface CasesTable {
  case_id: string;
  /** `outgoing`: this node requested; `incoming`: it is the requested party. */
  direction: 'outgoing' | 'incoming';
  /** The other party. */
  peer: string;
  type: string;
  priority: string;
  status: CaseStatus;
  subject: string;
  reference: string | null;
  /** Offence ids, space-separated with a space at each end, for `like '% id %'`. */
  offences: string;
  opened_at: string;
  updated_at: string;
  ack_due: string | null;
  acknowledged_at: string | null;
  executed_at: string | null;
  closed_at: string | null;
  preservation_until: string | null;
  target_date: string | null;
  /** The earliest pending deadline (ISO 8601), null when none: the list sorts and finds overdue cases by it. */
  next_due: string | null;
  /** For refused cases: the grounds (`40(21)(b)`), space-separated. */
  refusal_grounds: string | null;
  events: number;
  /** Events the fold ignored (out of role, too late): shown as a warning. */
  ignored_events: number;
}

/**
 * A case's search text, in its own table: written once, when the case opens (the text is the
 * request's, which no later event changes), while the list row is rewritten after every event.
 */
export interface CaseSearchTable {
  case_id: string;
  /** Lower-cased, accent-folded text of the request in every language, for free-text search. */
  search_text: string;
}

/**
 * Requests being written on this node: never sent anywhere until `send`. With four-eyes on,
 * a second user approves before it may go.
 */
export interface CaseDraftsTable {
  id: string;
  /** The node the request will go to. */
  requested: string;
  /** RequestContent as JSON; may be incomplete. */
  content: string;
  status: 'draft' | 'in_review' | 'approved' | 'sent';
  created_by: string;
  created_at: string;
  updated_at: string;
  review_requested_by: string | null;
  approved_by: string | null;
  /** The case it became when sent. */
  case_id: string | null;
}

/** Reminders and escalation steps sent for a case, once each: (case, what) → when. */
export interface CaseRemindersTable {
  case_id: string;
  /** `escalation:1`, `preservation:2027-02-01`, … */
  reminder: string;
  sent_at: string;
}

/**
 * A case's team on this node: who is assigned to work it. Local (never federated); while a
 * case has none, its content is open to every officer and analyst (team.rules.ts).
 */
export interface CaseAssignmentsTable {
  case_id: string;
  user_id: string;
  /** The actor ref of who assigned (`user:…`). */
  assigned_by: string;
  assigned_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    case_reminders: CaseRemindersTable;
    case_events: CaseEventsTable;
    case_event_equivocations: CaseEventEquivocationsTable;
    cases: CasesTable;
    case_search: CaseSearchTable;
    case_drafts: CaseDraftsTable;
    case_assignments: CaseAssignmentsTable;
  }
}
