import { newWorkerId } from '../util/ids.js';
import { SerialPass } from '../util/serial-pass.js';
import { settleWithin } from '../util/settle-within.js';
import type { FastifyBaseLogger } from 'fastify';
import type { NodeContext } from '../context.js';
import { notificationResults } from './notifications.metrics.js';
import { afterFailure, EMAIL_NOT_CONFIGURED, isPermanentFailure } from './notifications.rules.js';
import type { NotificationChannel } from './notifications.tables.js';
import type { NotificationRow } from './notifications.service.js';
import { createMailer, MailSendError, type Mailer } from './smtp.js';
import { effectiveSmtp } from './smtp-settings.service.js';
import { SecretUnreadableError } from '../crypto/secret-box.js';
import { postWebhook, webhookSecretPlace, WebhookSendError } from './webhook.js';
import { parseWebhookAllow } from './webhook-target.js';

// A row is leased while it is being sent; a worker that died frees it when the lease ends.
// The lease outlasts the longest attempt (every phase of a send has a timeout), so a row is
// never sent twice by two live workers.
const LEASE_MS = 120_000;

export interface NotificationWorkerOptions {
  intervalMs?: number;
  /** Timeout of each phase of an SMTP conversation, and of a webhook call. */
  timeoutMs?: number;
  /** Sends in flight at once, per channel: a dead mail server holds e-mail slots only. */
  concurrency?: Partial<Record<'email' | 'webhook', number>>;
}

export interface NotificationStats {
  sent: number;
  failedAttempts: number;
  gaveUp: number;
}

/**
 * Sends the `notifications` queue. Each pass leases due rows by compare-and-set (safe across
 * processes on one PostgreSQL) and starts their sends without waiting for them, so a slow or
 * silent SMTP server never delays webhooks, other passes or HTTP requests. A failed attempt
 * backs off (notifications.rules.ts `afterFailure`); after ACCORD_NOTIFY_MAX_ATTEMPTS, or a
 * permanent refusal, the row is `failed`. At-least-once: a crash between the server's 250
 * and our update sends the row again after its lease.
 */
export class NotificationWorker {
  readonly id = newWorkerId();
  readonly stats: NotificationStats = { sent: 0, failedAttempts: 0, gaveUp: 0 };
  private timer: NodeJS.Timeout | null = null;
  private readonly runner = new SerialPass(() => this.pass(), (err) => this.log?.error({ err }, 'notification pass failed'));
  private stopped = false;
  private inFlight = new Map<string, Promise<void>>();
  private inFlightBy: Record<'email' | 'webhook', number> = { email: 0, webhook: 0 };
  private mailer: { key: string; mailer: Mailer } | null = null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: Record<'email' | 'webhook', number>;

  constructor(private ctx: NodeContext, private log?: FastifyBaseLogger, opts: NotificationWorkerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.concurrency = { email: opts.concurrency?.email ?? 4, webhook: opts.concurrency?.webhook ?? 16 };
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.kick();
  }

  /** Stops polling; waits for sends in flight at most `graceMs` (their leases cover the rest). */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.runner.stop();
    await settleWithin(this.inFlight.values(), graceMs);
    this.mailer?.mailer.close();
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    this.runner.kick();
  }

  /** Resolves when the current pass and every send it started are done (for tests). */
  async idle(): Promise<void> {
    while (this.runner.busy || this.inFlight.size > 0) {
      await this.runner.settle();
      await Promise.allSettled([...this.inFlight.values()]);
    }
  }

  async pass(): Promise<void> {
    for (const channel of ['webhook', 'email'] as const) {
      const free = this.concurrency[channel] - this.inFlightBy[channel];
      if (free <= 0) continue;
      const now = new Date().toISOString();
      const due = await this.ctx.store.db
        .selectFrom('notifications')
        .select('id')
        .where('state', '=', 'pending')
        .where('channel', '=', channel)
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('id')
        .limit(free)
        .execute();
      for (const { id } of due) {
        const row = await this.lease(id);
        if (!row || this.stopped) continue;
        this.inFlightBy[channel]++;
        const p = this.attempt(row)
          .catch((e) => this.log?.error({ err: e, notification: id }, 'notification attempt failed unexpectedly'))
          .finally(() => {
            this.inFlightBy[channel]--;
            this.inFlight.delete(id);
          });
        this.inFlight.set(id, p);
      }
    }
  }

  private async lease(id: string): Promise<NotificationRow | null> {
    const now = new Date();
    const r = await this.ctx.store.db
      .updateTable('notifications')
      .set({ lease_owner: this.id, lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    return (await this.ctx.store.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  /** The mailer for the server in use (ACCORD_SMTP_URL, else the one saved in the web app), made again when it changes. */
  private async getMailer(): Promise<Mailer | null> {
    const smtp = await effectiveSmtp(this.ctx);
    if (!smtp) return null;
    const key = JSON.stringify([smtp.server, smtp.from]);
    if (!this.mailer || this.mailer.key !== key) {
      this.mailer?.mailer.close();
      this.mailer = { key, mailer: createMailer(smtp.server, smtp.from, this.timeoutMs) };
    }
    return this.mailer.mailer;
  }

  private async send(row: NotificationRow & { channel: Exclude<NotificationChannel, 'none'> }): Promise<string> {
    if (row.channel === 'email') {
      const mailer = await this.getMailer();
      if (!mailer) throw new MailSendError(EMAIL_NOT_CONFIGURED);
      const text = row.link ? `${row.body_text}\n\n${row.link}` : row.body_text;
      return mailer.send({ to: row.recipient, subject: row.subject, text, html: row.body_html });
    }
    const secret = await this.webhookSecret(row);
    const payload = {
      id: row.id,
      kind: row.kind,
      node: this.ctx.identity.node_id,
      subject: row.subject,
      text: row.body_text,
      link: row.link,
      data: JSON.parse(row.data) as unknown,
      created_at: row.created_at,
      sent_at: new Date().toISOString(),
      attempt: Number(row.attempts) + 1,
    };
    const r = await postWebhook(row.recipient, payload, { secret, id: row.id, kind: row.kind, timeoutMs: this.timeoutMs, allow: parseWebhookAllow(this.ctx.settings.webhookAllow) });
    return `HTTP ${r.status}`;
  }

  /** The secret that signs this webhook, opened; one that does not open fails the send for good. */
  private async webhookSecret(row: NotificationRow): Promise<string | null> {
    let sealed = row.webhook_secret;
    let place = webhookSecretPlace('notifications', row.id);
    if (row.user_id !== null) {
      const p = await this.ctx.store.db.selectFrom('notification_preferences').select('webhook_secret').where('user_id', '=', row.user_id).executeTakeFirst();
      sealed = p?.webhook_secret ?? null;
      place = webhookSecretPlace('notification_preferences', row.user_id);
    }
    if (sealed === null) return null;
    try {
      return this.ctx.secrets.open(sealed, place);
    } catch (e) {
      if (e instanceof SecretUnreadableError) throw new WebhookSendError('the webhook secret cannot be read on this node; set a new one', undefined, e.message, true);
      throw e;
    }
  }

  private async attempt(row: NotificationRow): Promise<void> {
    const { db } = this.ctx.store;
    const attempts = Number(row.attempts) + 1;
    const mine = (q: ReturnType<typeof db.updateTable<'notifications'>>) => q.where('id', '=', row.id).where('lease_owner', '=', this.id);
    if (row.channel === 'none') {
      await mine(db.updateTable('notifications')).set({ state: 'skipped', lease_owner: null, lease_until: null }).execute();
      notificationResults(this.ctx)?.inc({ channel: row.channel, result: 'skipped' });
      return;
    }
    try {
      const response = await this.send(row as NotificationRow & { channel: 'email' | 'webhook' });
      this.stats.sent++;
      notificationResults(this.ctx)?.inc({ channel: row.channel, result: 'sent' });
      await mine(db.updateTable('notifications'))
        .set({ state: 'sent', attempts, response: response.slice(0, 1000), last_error: null, sent_at: new Date().toISOString(), next_attempt_at: null, lease_owner: null, lease_until: null })
        .execute();
    } catch (e) {
      this.stats.failedAttempts++;
      const err = e as Error & { smtpCode?: number; httpStatus?: number };
      const permanent = (e instanceof WebhookSendError && e.permanent) || (e instanceof MailSendError || e instanceof WebhookSendError ? isPermanentFailure({ smtpCode: err.smtpCode, httpStatus: err.httpStatus }) : false);
      const next = afterFailure(attempts, { maxAttempts: this.ctx.settings.notifyMaxAttempts, baseMs: this.ctx.settings.notifyRetryBaseMs, permanent });
      // The row (shown to the user) keeps the short message; the details go to the log only.
      const error = err.message.slice(0, 1000);
      const detail = e instanceof WebhookSendError ? e.detail : undefined;
      if (next.giveUp) {
        this.stats.gaveUp++;
        notificationResults(this.ctx)?.inc({ channel: row.channel, result: 'failed' });
        await mine(db.updateTable('notifications')).set({ state: 'failed', attempts, last_error: error, next_attempt_at: null, lease_owner: null, lease_until: null }).execute();
        this.log?.warn({ notification: row.id, channel: row.channel, error, detail, attempts }, 'notification failed for good');
      } else {
        notificationResults(this.ctx)?.inc({ channel: row.channel, result: 'retry' });
        const at = new Date(Date.now() + next.delayMs).toISOString();
        await mine(db.updateTable('notifications')).set({ attempts, last_error: error, next_attempt_at: at, lease_owner: null, lease_until: null }).execute();
        this.log?.warn({ notification: row.id, channel: row.channel, error, detail, retry_in_ms: next.delayMs }, 'notification attempt failed');
      }
    }
  }
}
