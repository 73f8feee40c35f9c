import { backoffMs } from '../util/backoff.js';
import type { NotificationKindDef } from '../capability.js';
import type { NotificationChannel } from './notifications.tables.js';

/**
 * Pure rules of notifications: which channels a user gets for an event kind, and when a
 * failed attempt is retried.
 */

/**
 * A kind of event that notifies people, `area.event`. Each capability declares its own kinds
 * with their default channel (its descriptor's `notificationKinds`); the composition root
 * gathers them into `ctx.catalog.notificationKinds`.
 */
export type NotificationKind = string;

/** The kinds notifications itself declares. */
export const NotificationKind = {
  /** Sent on demand by a user to check their channels. */
  test: 'notification.test',
  /** Reserved for the deadlines of cooperation requests (cases). */
  caseDeadline: 'case.deadline',
} as const;

export const ChannelPreference = { email: 'email', webhook: 'webhook', both: 'both', none: 'none' } as const;
export type ChannelPreference = (typeof ChannelPreference)[keyof typeof ChannelPreference];
export const CHANNEL_PREFERENCES = Object.values(ChannelPreference);

export type KindPreferences = Record<NotificationKind, ChannelPreference>;

/** What a user gets before choosing: each kind's declared default. */
export function defaultPreferences(kinds: readonly NotificationKindDef[]): KindPreferences {
  return Object.fromEntries(kinds.map((k) => [k.kind, k.defaultChannel]));
}

/** Stored choices over the defaults; unknown kinds and values (from older versions) are ignored. */
export function resolvePreferences(kinds: readonly NotificationKindDef[], stored: Record<string, unknown> | null | undefined): KindPreferences {
  const out = defaultPreferences(kinds);
  for (const [k, v] of Object.entries(stored ?? {})) {
    if (k in out && (CHANNEL_PREFERENCES as unknown[]).includes(v)) out[k] = v as ChannelPreference;
  }
  return out;
}

export interface PlannedDelivery {
  channel: NotificationChannel;
  /** Set when the row is recorded as skipped instead of queued. */
  skipReason?: string;
}

/**
 * The rows one event gives one user: a queued row per chosen channel, or a skipped row that
 * says why (kind turned off, e-mail not configured on this node, no webhook URL).
 * Every event is recorded, so 'none' still gives one skipped row.
 */
export function planDeliveries(pref: ChannelPreference, can: { email: boolean; webhook: boolean }): PlannedDelivery[] {
  switch (pref) {
    case 'none':
      return [{ channel: 'none', skipReason: 'turned off in the preferences' }];
    case 'email':
      return [emailPlan(can.email)];
    case 'webhook':
      return [webhookPlan(can.webhook)];
    case 'both':
      return [emailPlan(can.email), webhookPlan(can.webhook)];
  }
}

/** Why an e-mail is skipped on a node without a mail server, and where it is set. */
export const EMAIL_NOT_CONFIGURED = 'e-mail is not configured on this node (an administrator sets the mail server on the Notifications page, or ACCORD_SMTP_URL)';

function emailPlan(enabled: boolean): PlannedDelivery {
  return enabled ? { channel: 'email' } : { channel: 'email', skipReason: EMAIL_NOT_CONFIGURED };
}
function webhookPlan(hasUrl: boolean): PlannedDelivery {
  return hasUrl ? { channel: 'webhook' } : { channel: 'webhook', skipReason: 'no webhook URL in the preferences' };
}

/** Waits grow from the base up to an hour, with equal jitter (see federation/rules.ts). */
export const NOTIFY_RETRY_CAP_MS = 3_600_000;

/**
 * After attempt number `attempts` (1-based) failed: give up, or wait. A permanent refusal
 * (SMTP 5xx, HTTP 4xx other than 408/425/429) gives up at once.
 */
export function afterFailure(
  attempts: number,
  o: { maxAttempts: number; baseMs: number; permanent?: boolean; capMs?: number; random?: () => number },
): { giveUp: true } | { giveUp: false; delayMs: number } {
  if (o.permanent || attempts >= o.maxAttempts) return { giveUp: true };
  return { giveUp: false, delayMs: backoffMs(attempts - 1, o.baseMs, o.capMs ?? NOTIFY_RETRY_CAP_MS, o.random) };
}

/** Whether an SMTP reply code or HTTP status means "do not try again". */
export function isPermanentFailure(f: { smtpCode?: number; httpStatus?: number }): boolean {
  if (f.smtpCode !== undefined) return f.smtpCode >= 500 && f.smtpCode < 600;
  if (f.httpStatus !== undefined) return f.httpStatus >= 400 && f.httpStatus < 500 && ![408, 425, 429].includes(f.httpStatus);
  return false;
}

/** A webhook URL: http(s), no credentials, at most 2000 characters. */
export function checkWebhookUrl(s: string): string | null {
  if (s.length > 2000) return 'webhook_url must have at most 2000 characters';
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'webhook_url must be an http(s) URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'webhook_url must be an http(s) URL';
  if (u.username || u.password) return 'webhook_url must not contain credentials';
  return null;
}
