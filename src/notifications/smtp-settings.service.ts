import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { secretPlace, SecretUnreadableError } from '../crypto/secret-box.js';
import { AppError, InvalidInputError } from '../errors.js';
import type { DbOrTrx } from '../store/db.js';
import { checkSmtpSettings, effectiveSmtpServer, redactSecrets, SmtpSource, type SmtpSettingsInput } from './smtp-settings.rules.js';
import { createMailer, MailSendError, parseSmtpUrl, type SmtpSecurity, type SmtpServer } from './smtp.js';

const ROW_ID = 'default';

/** The mail server as the API shows it: never the password, only whether one is set. */
export interface SmtpSettingsView {
  source: SmtpSource;
  /** False when the setting comes from ACCORD_SMTP_URL: change it there. */
  editable: boolean;
  host: string | null;
  port: number | null;
  security: SmtpSecurity | 'opportunistic' | null;
  username: string | null;
  password_set: boolean;
  from: string | null;
  updated_at: string | null;
  updated_by: string | null;
}

// The password is sealed with the node's secrets key (crypto/secret-box.ts), bound to its row.
const PASSWORD_PLACE = secretPlace('notification_smtp', 'password', ROW_ID);

function sealPassword(ctx: NodeContext, plain: string): string {
  return ctx.secrets.seal(plain, PASSWORD_PLACE);
}

/** The stored password, opened; one that does not open (another node's key) fails the send with a clear reason. */
function openPassword(ctx: NodeContext, stored: string | null): string | null {
  if (stored === null) return null;
  try {
    return ctx.secrets.open(stored, PASSWORD_PLACE);
  } catch (e) {
    if (e instanceof SecretUnreadableError) throw new MailSendError('the SMTP password cannot be read on this node; an administrator must set it again');
    throw e;
  }
}

export class SmtpFromEnvironmentError extends AppError {
  override name = 'SmtpFromEnvironmentError';
  constructor() {
    super(409, 'smtp-from-environment', 'Set by the environment', 'the mail server is set by ACCORD_SMTP_URL on this node and cannot be changed here; change or unset it on the server');
  }
}

export class EmailNotConfiguredError extends AppError {
  override name = 'EmailNotConfiguredError';
  constructor() {
    super(409, 'email-not-configured', 'E-mail not configured', 'e-mail is not configured on this node: save a mail server first');
  }
}

async function savedRow(db: DbOrTrx) {
  return db.selectFrom('notification_smtp').selectAll().where('id', '=', ROW_ID).executeTakeFirst();
}

/** Whether this node can send e-mail now (ACCORD_SMTP_URL, or a server saved in the web app). */
export async function emailConfigured(ctx: NodeContext, db: DbOrTrx = ctx.store.db): Promise<boolean> {
  return ctx.settings.smtpUrl !== undefined || (await savedRow(db)) !== undefined;
}

/** The mail server to send with and the sender address, or null when e-mail is off. */
export async function effectiveSmtp(ctx: NodeContext, db: DbOrTrx = ctx.store.db): Promise<{ source: SmtpSource; server: SmtpServer; from: string } | null> {
  if (ctx.settings.smtpUrl !== undefined) return effectiveSmtpServer(ctx.settings.smtpUrl, ctx.settings.smtpFrom, null);
  const row = await savedRow(db);
  if (!row) return null;
  return effectiveSmtpServer(undefined, ctx.settings.smtpFrom, {
    host: row.host,
    port: Number(row.port),
    security: row.security as SmtpSecurity,
    username: row.username,
    from: row.from_address,
    password: openPassword(ctx, row.password),
  });
}

export async function getSmtpSettings(ctx: NodeContext, db: DbOrTrx = ctx.store.db): Promise<SmtpSettingsView> {
  if (ctx.settings.smtpUrl !== undefined) {
    const s = parseSmtpUrl(ctx.settings.smtpUrl);
    return { source: 'environment', editable: false, host: s.host, port: s.port, security: s.security, username: s.auth?.user ?? null, password_set: Boolean(s.auth?.pass), from: ctx.settings.smtpFrom, updated_at: null, updated_by: null };
  }
  const row = await savedRow(db);
  if (!row) return { source: 'none', editable: true, host: null, port: null, security: null, username: null, password_set: false, from: null, updated_at: null, updated_by: null };
  return {
    source: 'web',
    editable: true,
    host: row.host,
    port: Number(row.port),
    security: row.security as SmtpSecurity,
    username: row.username,
    password_set: row.password !== null,
    from: row.from_address,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
  };
}

/**
 * Saves the mail server. `password`: a string sets it, null removes it, absent keeps the one
 * stored (the web app never has it). A password without a user name is refused.
 */
export async function setSmtpSettings(ctx: NodeContext, actor: Actor, input: SmtpSettingsInput & { password?: string | null }): Promise<SmtpSettingsView> {
  if (ctx.settings.smtpUrl !== undefined) throw new SmtpFromEnvironmentError();
  const settings: SmtpSettingsInput = { host: input.host.trim(), port: input.port, security: input.security, username: input.username?.trim() || null, from: input.from.trim() };
  const bad = checkSmtpSettings(settings);
  if (bad) throw new InvalidInputError(bad);
  const { db, dialect } = ctx.store;
  return db.transaction().execute(async (trx) => {
    const old = await savedRow(trx);
    const password = input.password === undefined ? (old?.password ?? null) : input.password === null || input.password === '' ? null : sealPassword(ctx, input.password);
    if (password !== null && settings.username === null) throw new InvalidInputError('a password needs a username');
    const row = {
      host: settings.host,
      port: settings.port,
      security: settings.security,
      username: settings.username,
      password,
      from_address: settings.from,
      updated_at: new Date().toISOString(),
      updated_by: actor.ref,
    };
    await trx.insertInto('notification_smtp').values({ id: ROW_ID, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
    await appendAudit(trx, dialect, {
      actor: actor.ref,
      ip: actor.ip,
      action: 'notifications.smtp',
      target: 'node:smtp',
      // Never the password: only whether it changed.
      details: { host: settings.host, port: settings.port, security: settings.security, username: settings.username, from: settings.from, password: input.password === undefined ? 'kept' : password === null ? 'none' : 'changed' },
    });
    return getSmtpSettings(ctx, trx);
  });
}

/** Forgets the saved mail server: e-mail is off again (unless ACCORD_SMTP_URL is set). */
export async function clearSmtpSettings(ctx: NodeContext, actor: Actor): Promise<SmtpSettingsView> {
  if (ctx.settings.smtpUrl !== undefined) throw new SmtpFromEnvironmentError();
  const { db, dialect } = ctx.store;
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('notification_smtp').where('id', '=', ROW_ID).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'notifications.smtp_removed', target: 'node:smtp' });
    return getSmtpSettings(ctx, trx);
  });
}

export interface SmtpTestResult {
  sent: boolean;
  /** The server's final answer (e.g. `250 OK: queued as …`) when it took the message. */
  response: string | null;
  /** Why it was not sent, without the password. */
  error: string | null;
  /** The server's reply code, when it gave one. */
  smtp_code: number | null;
}

/**
 * Sends one test e-mail now, with the mail server in use, and answers what the server said.
 * The attempt (recipient and outcome, never the password) is audited.
 */
export async function sendSmtpTest(ctx: NodeContext, actor: Actor, to: string, timeoutMs = 10_000): Promise<SmtpTestResult> {
  if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(to)) throw new InvalidInputError('to must be an e-mail address');
  let smtp: Awaited<ReturnType<typeof effectiveSmtp>>;
  let result: SmtpTestResult;
  try {
    smtp = await effectiveSmtp(ctx);
  } catch (e) {
    if (!(e instanceof MailSendError)) throw e;
    result = { sent: false, response: null, error: e.message, smtp_code: null };
    await auditTest(ctx, actor, to, 'web', result);
    return result;
  }
  if (!smtp) throw new EmailNotConfiguredError();
  const mailer = createMailer(smtp.server, smtp.from, timeoutMs);
  try {
    const response = await mailer.send({
      to,
      subject: 'Accord test e-mail',
      text: `This is a test e-mail from the Accord node ${ctx.identity.node_id}, sent by ${actor.ref} to check its mail server (${smtp.server.host}:${smtp.server.port}). If you read it, e-mail works.`,
    });
    result = { sent: true, response: redactSecrets(response, [smtp.server.auth?.pass]).slice(0, 1000), error: null, smtp_code: Number(response.slice(0, 3)) || null };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    result = { sent: false, response: null, error: redactSecrets(message, [smtp.server.auth?.pass]).slice(0, 1000), smtp_code: e instanceof MailSendError ? (e.smtpCode ?? null) : null };
  } finally {
    mailer.close();
  }
  await auditTest(ctx, actor, to, smtp.source, result);
  return result;
}

async function auditTest(ctx: NodeContext, actor: Actor, to: string, source: SmtpSource, result: SmtpTestResult): Promise<void> {
  await ctx.store.db.transaction().execute((trx) =>
    appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'notifications.smtp_test', target: 'node:smtp', details: { to, source, sent: result.sent, smtp_code: result.smtp_code, error: result.error } }),
  );
}
