export const PingDirection = { outgoing: 'outgoing', incoming: 'incoming' } as const;
export type PingDirection = (typeof PingDirection)[keyof typeof PingDirection];
export const PingStatus = { pending: 'pending', answered: 'answered', unanswered: 'unanswered' } as const;
export type PingStatus = (typeof PingStatus)[keyof typeof PingStatus];

/** A ping test as seen by one side: `outgoing` on the node that asked, `incoming` on the one asked. */
export interface PingTestsTable {
  id: string;
  direction: PingDirection;
  peer_node: string;
  started_at: string;
  deadline_at: string;
  window_minutes: number;
  status: PingStatus;
  /** Incoming: SHA-256 of the secret in the latest confirmation link (every link: ping_test_tokens). */
  token_hash: string | null;
  /** Incoming: how many contacts have been asked so far, minus one. */
  escalation_level: number;
  confirmed_at: string | null;
  confirmed_by: string | null;
  response_ms: number | null;
  /** Outgoing: the schedule that started it (null when started by hand, and on the node asked). */
  schedule_id: string | null;
}

/** Incoming: each contact's confirmation link (SHA-256 of its secret), valid until the test's deadline. */
export interface PingTestTokensTable {
  token_hash: string;
  test_id: string;
  /** The escalation level of the contact it was sent to. */
  level: number;
  created_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    ping_tests: PingTestsTable;
    ping_test_tokens: PingTestTokensTable;
  }
}
