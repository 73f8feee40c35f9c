import { isIP } from 'node:net';
import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, InvalidInputError, NotFoundError } from '../errors.js';
import { userAddresses, userExists } from '../auth/users.service.js';
import type { DbOrTrx } from '../store/db.js';
import { newId } from '../util/ids.js';
import { checkWebhookUrl, EMAIL_NOT_CONFIGURED, NotificationKind, planDeliveries, resolvePreferences, type ChannelPreference, type KindPreferences } from './notifications.rules.js';
import type { NotificationChannel, NotificationsTable, NotificationState } from './notifications.tables.js';
import { emailConfigured } from './smtp-settings.service.js';
import { newWebhookSecret, webhookSecretPlace } from './webhook.js';
import { isInternalAddress, parseWebhookAllow, resolveWebhookTarget, WebhookTargetError } from './webhook-target.js';

export interface NotifyInput {
  kind: NotificationKind;
  /** Users notified through their own preferences. */
  userIds?: string[];
  /** A direct address (e.g. a directory contact), notified whatever the preferences. */
  to?: { email?: string; webhook?: string; webhookSecret?: string };
  subject: string;
  text: string;
  html?: string;
  link?: string;
  data?: Record<string, unknown>;
}

/** The API view of one notification row (never a secret). */
export interface Notification {
  id: string;
  user_id: string | null;
  kind: string;
  channel: NotificationChannel;
  recipient: string;
  subject: string;
  text: string;
  link: string | null;
  data: Record<string, unknown>;
  state: NotificationState;
  attempts: number;
  next_attempt_at: string | null;
  response: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export type NotificationRow = Selectable<NotificationsTable>;

export function rowToNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    user_id: r.user_id,
    kind: r.kind,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    text: r.body_text,
    link: r.link,
    data: JSON.parse(r.data) as Record<string, unknown>,
    state: r.state,
    attempts: Number(r.attempts),
    next_attempt_at: r.next_attempt_at,
    response: r.response,
    last_error: r.last_error,
    created_at: r.created_at,
    sent_at: r.sent_at,
  };
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * Records notifications in the caller's transaction: they commit (and are then sent by the
 * NotificationWorker) with the change that caused them, or not at all. Never sends here.
 * One row per user and channel; a kind turned off, e-mail not configured or a missing
 * webhook gives a `skipped` row, so every notification is on record.
 * @example await notify(ctx, trx, { kind: 'ping_test.request', userIds: [id], subject: 'Ping test', text: 'Please confirm' })
 */
export async function notify(ctx: NodeContext, trx: DbOrTrx, input: NotifyInput): Promise<Notification[]> {
  return notifyMany(ctx, trx, [input]);
}

/** Rows of one insert: well under both databases' limits on bound values. */
const INSERT_ROWS = 500;

/**
 * notify for several notifications at once (a batch of incoming cases): the users, their
 * preferences and the e-mail settings are read once for all, and the rows go in one insert.
 */
export async function notifyMany(ctx: NodeContext, trx: DbOrTrx, inputs: readonly NotifyInput[]): Promise<Notification[]> {
  for (const input of inputs) {
    // A kind no capability declared has no default and no place in anyone's preferences.
    if (!ctx.catalog.notificationKinds.some((k) => k.kind === input.kind)) throw new Error(`notification kind ${input.kind} is not declared by any capability`);
    if (input.text.length > 100_000 || (input.html?.length ?? 0) > 200_000) throw new InvalidInputError('the notification text is too long');
  }
  const now = new Date().toISOString();
  const rows: NotificationRow[] = [];

  // Asked once, and only when someone may get an e-mail.
  let emailOn: boolean | undefined;
  const canEmail = async () => (emailOn ??= await emailConfigured(ctx, trx));

  const ids = [...new Set(inputs.flatMap((i) => i.userIds ?? []))];
  const users = new Map((await userAddresses(trx, ids)).map((u) => [u.id, u]));
  const prefs = ids.length > 0 ? await trx.selectFrom('notification_preferences').selectAll().where('user_id', 'in', ids).execute() : [];
  const byUser = new Map(prefs.map((p) => [p.user_id, p]));
  for (const input of inputs) {
    const subject = input.subject.replace(/[\r\n]+/g, ' ').trim();
    if (subject === '' || subject.length > 300) throw new InvalidInputError('subject must have 1 to 300 characters');
    const base = {
      kind: input.kind,
      subject,
      body_text: input.text,
      body_html: input.html ?? null,
      link: input.link ?? null,
      data: JSON.stringify(input.data ?? {}),
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      lease_owner: null,
      lease_until: null,
      created_at: now,
      sent_at: null,
    };
    const add = (userId: string | null, channel: NotificationChannel, recipient: string, skipReason?: string, webhookSecret: string | null = null) => {
      const id = newId();
      const sealed = webhookSecret === null ? null : ctx.secrets.seal(webhookSecret, webhookSecretPlace('notifications', id));
      rows.push({ ...base, id, user_id: userId, channel, recipient, webhook_secret: sealed, state: skipReason ? 'skipped' : 'pending', response: skipReason ?? null });
    };
    for (const id of new Set(input.userIds ?? [])) {
      const u = users.get(id);
      if (!u) continue;
      const p = byUser.get(u.id);
      if (u.disabled) {
        add(u.id, 'none', '', 'the account is disabled');
        continue;
      }
      const pref = resolvePreferences(ctx.catalog.notificationKinds, p ? (JSON.parse(p.kinds) as Record<string, unknown>) : null)[input.kind];
      for (const d of planDeliveries(pref, { email: pref !== 'email' && pref !== 'both' ? false : await canEmail(), webhook: Boolean(p?.webhook_url) })) {
        add(u.id, d.channel, d.channel === 'email' ? u.email : d.channel === 'webhook' ? (p?.webhook_url ?? '') : '', d.skipReason);
      }
    }
    if (input.to?.email !== undefined) {
      if (!EMAIL.test(input.to.email)) throw new InvalidInputError('to.email must be an e-mail address');
      add(null, 'email', input.to.email, (await canEmail()) ? undefined : EMAIL_NOT_CONFIGURED);
    }
    if (input.to?.webhook !== undefined) {
      const bad = checkWebhookUrl(input.to.webhook);
      if (bad) throw new InvalidInputError(bad);
      // No DNS inside the caller's transaction: a literal address is checked here, a name when sent.
      const host = new URL(input.to.webhook).hostname.replace(/^\[(.*)\]$/, '$1');
      const allow = parseWebhookAllow(ctx.settings.webhookAllow);
      if (isIP(host) && isInternalAddress(host) && !allow.hosts.has(host) && !allow.ranges.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6')) throw new InvalidInputError(new WebhookTargetError(host).message);
      add(null, 'webhook', input.to.webhook, undefined, input.to.webhookSecret ?? null);
    }
  }
  for (let i = 0; i < rows.length; i += INSERT_ROWS) await trx.insertInto('notifications').values(rows.slice(i, i + INSERT_ROWS)).execute();
  return rows.map(rowToNotification);
}

/** Whether anyone was notified of `kind` at or after `since` (e.g. a reminder already sent). */
export async function notifiedSince(db: DbOrTrx, kind: NotificationKind, since: string): Promise<boolean> {
  return (await db.selectFrom('notifications').select('id').where('kind', '=', kind).where('created_at', '>=', since).limit(1).executeTakeFirst()) !== undefined;
}

export interface NotificationPreferences {
  kinds: KindPreferences;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  /** Only right after it was generated; never again. */
  webhook_secret?: string;
}

export async function getPreferences(ctx: NodeContext, userId: string, db: DbOrTrx = ctx.store.db): Promise<NotificationPreferences> {
  const p = await db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return {
    kinds: resolvePreferences(ctx.catalog.notificationKinds, p ? (JSON.parse(p.kinds) as Record<string, unknown>) : null),
    webhook_url: p?.webhook_url ?? null,
    webhook_secret_set: Boolean(p?.webhook_secret),
  };
}

async function savePreferences(trx: DbOrTrx, userId: string, v: { kinds: KindPreferences; webhook_url: string | null; webhook_secret: string | null }): Promise<void> {
  const row = { kinds: JSON.stringify(v.kinds), webhook_url: v.webhook_url, webhook_secret: v.webhook_secret, updated_at: new Date().toISOString() };
  await trx
    .insertInto('notification_preferences')
    .values({ user_id: userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
}

/**
 * Changes some kinds and/or the webhook URL (null removes it). Setting a webhook URL when no
 * secret exists yet generates one, returned once in `webhook_secret`.
 */
export async function setPreferences(
  ctx: NodeContext,
  actor: Actor,
  userId: string,
  input: { kinds?: Partial<Record<NotificationKind, ChannelPreference>>; webhook_url?: string | null },
): Promise<NotificationPreferences> {
  if (input.webhook_url !== undefined && input.webhook_url !== null) {
    const bad = checkWebhookUrl(input.webhook_url);
    if (bad) throw new InvalidInputError(bad);
    // Checked now for a clear answer, and again at each send (DNS may have changed).
    try {
      await resolveWebhookTarget(input.webhook_url, parseWebhookAllow(ctx.settings.webhookAllow));
    } catch (e) {
      if (e instanceof WebhookTargetError) throw new InvalidInputError(e.message);
      throw e;
    }
  }
  const { db, dialect } = ctx.store;
  return db.transaction().execute(async (trx) => {
    if (!(await userExists(trx, userId))) throw new NotFoundError(`user ${userId}`);
    const old = await trx.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst();
    const kinds: KindPreferences = { ...resolvePreferences(ctx.catalog.notificationKinds, old ? (JSON.parse(old.kinds) as Record<string, unknown>) : null) };
    for (const [k, v] of Object.entries(input.kinds ?? {})) if (v !== undefined) kinds[k] = v;
    const webhookUrl = input.webhook_url !== undefined ? input.webhook_url : (old?.webhook_url ?? null);
    // Kept as stored (sealed); a new one is sealed for this user's row.
    let secret = old?.webhook_secret ?? null;
    const generated = webhookUrl !== null && secret === null ? newWebhookSecret() : undefined;
    if (generated) secret = ctx.secrets.seal(generated, webhookSecretPlace('notification_preferences', userId));
    await savePreferences(trx, userId, { kinds, webhook_url: webhookUrl, webhook_secret: secret });
    await appendAudit(trx, dialect, {
      actor: actor.ref,
      ip: actor.ip,
      action: 'notifications.preferences',
      target: `user:${userId}`,
      details: { kinds: input.kinds ?? {}, ...(input.webhook_url !== undefined ? { webhook_url: input.webhook_url } : {}) },
    });
    return { kinds, webhook_url: webhookUrl, webhook_secret_set: secret !== null, ...(generated ? { webhook_secret: generated } : {}) };
  });
}

/** Replaces the user's webhook secret; the new one is returned once. */
export async function rotateWebhookSecret(ctx: NodeContext, actor: Actor, userId: string): Promise<{ webhook_secret: string }> {
  const { db, dialect } = ctx.store;
  return db.transaction().execute(async (trx) => {
    const current = await getPreferences(ctx, userId, trx);
    const secret = newWebhookSecret();
    const sealed = ctx.secrets.seal(secret, webhookSecretPlace('notification_preferences', userId));
    await savePreferences(trx, userId, { kinds: current.kinds, webhook_url: current.webhook_url, webhook_secret: sealed });
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'notifications.webhook_secret', target: `user:${userId}` });
    return { webhook_secret: secret };
  });
}

/**
 * Another person's notification as an overseer (admin, auditor) may see it: its link is a
 * credential (a ping test's confirmation token), so it is left out, from the text too; so is
 * the path of a webhook URL, which often holds the receiver's own secret.
 */
export function withoutLink(n: Notification): Notification {
  let text = n.link ? n.text.split(n.link).join('[link hidden]') : n.text;
  text = text.replace(/([?&](?:token|secret|code)=)[^&\s]+/gi, '$1[hidden]');
  const recipient = n.channel === 'webhook' && URL.canParse(n.recipient) ? `${new URL(n.recipient).origin}/…` : n.recipient;
  return { ...n, link: null, text, recipient };
}

/**
 * Notifications newest first; page with `before` (the last id of the previous page). With
 * `viewerId`, notifications of anyone else are shown without their links (withoutLink).
 */
export async function listNotifications(db: DbOrTrx, o: { userId?: string; viewerId?: string; before?: string; limit: number }): Promise<{ notifications: Notification[]; next_before: string | null }> {
  let q = db.selectFrom('notifications').selectAll().orderBy('id', 'desc').limit(o.limit);
  if (o.userId !== undefined) q = q.where('user_id', '=', o.userId);
  if (o.before !== undefined) q = q.where('id', '<', o.before);
  const rows = await q.execute();
  const view = (r: NotificationRow) => (o.viewerId !== undefined && r.user_id !== o.viewerId ? withoutLink(rowToNotification(r)) : rowToNotification(r));
  return { notifications: rows.map(view), next_before: rows.length === o.limit ? rows[rows.length - 1]!.id : null };
}

/** Test sends a user may make per window: enough to check a channel, too few to probe with. */
export const TEST_SENDS_PER_WINDOW = 5;
export const TEST_SEND_WINDOW_MS = 10 * 60_000;

export class TooManyTestsError extends AppError {
  override name = 'TooManyTestsError';
  constructor() {
    super(429, 'too-many-requests', 'Too many requests', `at most ${TEST_SENDS_PER_WINDOW} test notifications per ${TEST_SEND_WINDOW_MS / 60_000} minutes; try again later`);
  }
}

/**
 * A test notification to the user through the channels of the `notification.test` kind,
 * at most TEST_SENDS_PER_WINDOW per window, counted on the notifications recorded (so every
 * process of the node counts the same).
 */
export async function sendTestNotification(ctx: NodeContext, userId: string): Promise<Notification[]> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const since = new Date(Date.now() - TEST_SEND_WINDOW_MS).toISOString();
    // One send records a row per channel, all with the same `data.send`; two sends in one
    // millisecond share a created_at, so that is only the key of rows from before send ids.
    const rows = await trx
      .selectFrom('notifications')
      .select(['created_at', 'data'])
      .where('kind', '=', NotificationKind.test)
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .execute();
    const sends = new Set(rows.map((r) => (JSON.parse(r.data) as { send?: string }).send ?? r.created_at));
    if (sends.size >= TEST_SENDS_PER_WINDOW) throw new TooManyTestsError();
    return notify(ctx, trx, {
      kind: NotificationKind.test,
      userIds: [userId],
      subject: 'Accord test notification',
      text: `This is a test notification from the Accord node ${ctx.identity.node_id}. If you read it, this channel works.`,
      data: { node: ctx.identity.node_id, send: newId() },
    });
  });
}
