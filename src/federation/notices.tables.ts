/**
 * Notices beyond the received ones (`notices`, federation.tables.ts): what this node sent,
 * who acknowledged what, and which notice answers which.
 */

/** A notice this node sent (its id is the message id in the outbox). */
export interface SentNoticesTable {
  id: string;
  to_node: string;
  subject: string;
  text: string;
  issued_at: string;
  /** `user:<id>` or `cli`: who sent it. */
  sent_by: string;
}

/**
 * One acknowledgement per notice. For a received notice, this node's officer acknowledged it
 * (`user_ref` set, `message_id` the ack sent back); for a sent one, the peer's ack arrived
 * (`user_ref` null, `message_id` the ack received). The primary key keeps the first one.
 */
export interface NoticeAcksTable {
  notice_id: string;
  acknowledged_by: string;
  acknowledged_at: string;
  user_ref: string | null;
  message_id: string;
  recorded_at: string;
}

/** A notice (sent or received) that replies to another; `thread_id` is the first notice of the thread. */
export interface NoticeThreadsTable {
  notice_id: string;
  in_reply_to: string;
  thread_id: string;
}

declare module '../store/schema.js' {
  interface Database {
    sent_notices: SentNoticesTable;
    notice_acks: NoticeAcksTable;
    notice_threads: NoticeThreadsTable;
  }
}
