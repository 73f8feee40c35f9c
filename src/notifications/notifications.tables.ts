/** How one notification travels; `none` records that the user turned the kind off. */
export const NotificationChannel = { email: 'email', webhook: 'webhook', none: 'none' } as const;
export type NotificationChannel = (typeof NotificationChannel)[keyof typeof NotificationChannel];

/**
 * `pending` waits for the worker (maybe after a failed attempt); `sent` got a 2xx / 250;
 * `failed` gave up (too many attempts, or a permanent refusal); `skipped` was never sent
 * (kind turned off, e-mail not configured, no webhook URL) and says why in `response`.
 */
export const NotificationState = { pending: 'pending', sent: 'sent', failed: 'failed', skipped: 'skipped' } as const;
export type NotificationState = (typeof NotificationState)[keyof typeof NotificationState];

/** The durable record of every notification, one row per channel; the worker's queue too. */
export interface NotificationsTable {
  /** UUIDv7, so ordering by id is ordering by creation. */
  id: string;
  /** The user notified, or null for a direct address (a directory contact). */
  user_id: string | null;
  kind: string;
  channel: NotificationChannel;
  /** E-mail address or webhook URL (empty for `none`). */
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  link: string | null;
  /** JSON object sent in webhooks. */
  data: string;
  /** Only for direct webhooks; user webhooks are signed with the user's current secret. Sealed (crypto/secret-box.ts). */
  webhook_secret: string | null;
  state: NotificationState;
  attempts: number;
  next_attempt_at: string | null;
  /** The SMTP server's answer, `HTTP <status>`, or why it was skipped. */
  response: string | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  sent_at: string | null;
}

/** Per-user choices: a channel for each kind (JSON), and the user's webhook. */
export interface NotificationPreferencesTable {
  user_id: string;
  /** JSON object kind → 'email' | 'webhook' | 'both' | 'none'; missing kinds take the defaults. */
  kinds: string;
  webhook_url: string | null;
  /** Sealed (crypto/secret-box.ts, place `notification_preferences.webhook_secret:<user id>`). */
  webhook_secret: string | null;
  updated_at: string;
}

/**
 * The node's mail server as an administrator set it in the web app (one row, id `default`).
 * ACCORD_SMTP_URL, when set, takes precedence and this row is not used.
 */
export interface NotificationSmtpTable {
  id: string;
  host: string;
  port: number;
  /** `starttls`, `tls` or `none` (smtp.ts SmtpSecurity). */
  security: string;
  username: string | null;
  /** Sealed with the node's secrets key (smtp-settings.service.ts), never returned by the API. */
  password: string | null;
  from_address: string;
  updated_at: string;
  updated_by: string;
}

declare module '../store/schema.js' {
  interface Database {
    notifications: NotificationsTable;
    notification_preferences: NotificationPreferencesTable;
    notification_smtp: NotificationSmtpTable;
  }
}
