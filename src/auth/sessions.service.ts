import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { appendAudit } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { sha256Hex } from '../crypto/canonical.js';
import { AccountLockedError, InvalidCredentialsError, InvalidInputError, StepRequiredError } from '../errors.js';
import type { SessionStage, SessionsTable } from './auth.tables.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { afterFailedAttempt, isLocked, nextSignInStage } from './sign-in.rules.js';
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri } from './totp.js';
import { findUserByEmail, findUserById, rowToUser, updateUserRow, type User, type UserRow } from './users.repository.js';

export interface Session {
  idHash: string;
  stage: SessionStage;
  csrfToken: string;
  expiresAt: string;
  user: User;
}

interface Origin {
  ip: string | null;
  userAgent: string | null;
}

function stageFor(ctx: NodeContext, row: UserRow, passedTotp: boolean): SessionStage {
  return nextSignInStage(rowToUser(row), ctx.settings.requireAdminTotp, passedTotp);
}

async function recordFailure(ctx: NodeContext, row: UserRow, origin: Origin, action: string): Promise<never> {
  const { db, dialect } = ctx.store;
  const next = afterFailedAttempt(row.failed_logins, ctx.settings.loginMaxFailures, ctx.settings.lockoutMinutes, new Date());
  await db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, next);
    await appendAudit(trx, dialect, { actor: `user:${row.id}`, ip: origin.ip, action, target: `user:${row.id}`, details: { locked_until: next.locked_until } });
  });
  if (next.locked_until) throw new AccountLockedError(next.locked_until);
  throw new InvalidCredentialsError();
}

/** Checks e-mail and password and opens a session at the first sign-in step still missing. */
export async function signIn(ctx: NodeContext, email: string, password: string, origin: Origin): Promise<{ token: string; session: Session }> {
  const { db, dialect } = ctx.store;
  const row = await findUserByEmail(db, email);
  if (!row || row.disabled) {
    await verifyPassword(password, DUMMY_HASH);
    await db.transaction().execute((trx) =>
      appendAudit(trx, dialect, { actor: 'anonymous', ip: origin.ip, action: 'auth.sign_in_failed', details: { email: email.slice(0, 254) } }),
    );
    throw new InvalidCredentialsError();
  }
  if (isLocked(row.locked_until, new Date())) throw new AccountLockedError(row.locked_until!);
  if (!(await verifyPassword(password, row.password_hash))) return recordFailure(ctx, row, origin, 'auth.sign_in_failed');

  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const record: SessionsTable = {
    id_hash: sha256Hex(token),
    user_id: row.id,
    stage: stageFor(ctx, row, false),
    csrf_token: randomBytes(24).toString('base64url'),
    ip: origin.ip,
    user_agent: origin.userAgent?.slice(0, 300) ?? null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.settings.sessionTtlMinutes * 60_000).toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, { failed_logins: 0, locked_until: null });
    await trx.insertInto('sessions').values(record).execute();
    await appendAudit(trx, dialect, { actor: `user:${row.id}`, ip: origin.ip, action: 'auth.sign_in', target: `user:${row.id}`, details: { stage: record.stage } });
  });
  return { token, session: toSession(record, row) };
}

function toSession(r: SessionsTable, user: UserRow): Session {
  return { idHash: r.id_hash, stage: r.stage, csrfToken: r.csrf_token, expiresAt: r.expires_at, user: rowToUser(user) };
}

/** The live session for a cookie value, or null when it is unknown, expired or its user is disabled. */
export async function findSession(ctx: NodeContext, token: string): Promise<Session | null> {
  const db = ctx.store.db;
  const s = await db.selectFrom('sessions').selectAll().where('id_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!s || s.expires_at <= new Date().toISOString()) return null;
  const user = await findUserById(db, s.user_id);
  if (!user || user.disabled) return null;
  return toSession(s, user);
}

export async function signOut(ctx: NodeContext, session: Session, ip: string | null): Promise<void> {
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id_hash', '=', session.idHash).execute();
    await appendAudit(trx, dialect, { actor: `user:${session.user.id}`, ip, action: 'auth.sign_out', target: `user:${session.user.id}` });
  });
}

async function advance(ctx: NodeContext, session: Session, passedTotp: boolean): Promise<SessionStage> {
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  const stage = stageFor(ctx, row, passedTotp);
  await ctx.store.db.updateTable('sessions').set({ stage }).where('id_hash', '=', session.idHash).execute();
  return stage;
}

function requireStage(session: Session, ...stages: SessionStage[]): void {
  if (!stages.includes(session.stage)) throw new StepRequiredError(session.stage);
}

/** The second factor: a current TOTP code or one unused recovery code. */
export async function verifySecondFactor(ctx: NodeContext, session: Session, input: { code?: string; recovery_code?: string }, ip: string | null): Promise<SessionStage> {
  requireStage(session, 'totp');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  if (isLocked(row.locked_until, new Date())) throw new AccountLockedError(row.locked_until!);
  const origin = { ip, userAgent: null };
  if (input.code !== undefined) {
    if (!row.totp_secret || !checkTotp(input.code, row.totp_secret)) return recordFailure(ctx, row, origin, 'auth.totp_failed');
  } else if (input.recovery_code !== undefined) {
    const hashes = JSON.parse(row.recovery_codes) as string[];
    const h = hashRecoveryCode(input.recovery_code);
    if (!hashes.includes(h)) return recordFailure(ctx, row, origin, 'auth.recovery_code_failed');
    await ctx.store.db.transaction().execute(async (trx) => {
      await updateUserRow(trx, row.id, { recovery_codes: JSON.stringify(hashes.filter((x) => x !== h)) });
      await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.recovery_code_used', target: `user:${row.id}`, details: { remaining: hashes.length - 1 } });
    });
  } else {
    throw new InvalidInputError('send either code or recovery_code');
  }
  await updateUserRow(ctx.store.db, row.id, { failed_logins: 0 });
  return advance(ctx, session, true);
}

export async function changePassword(ctx: NodeContext, session: Session, current: string, next: string, ip: string | null): Promise<SessionStage> {
  requireStage(session, 'password_change', 'full');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  if (!(await verifyPassword(current, row.password_hash))) return recordFailure(ctx, row, { ip, userAgent: null }, 'auth.password_change_failed');
  const problem = passwordProblem(next);
  if (problem) throw new InvalidInputError(problem);
  if (current === next) throw new InvalidInputError('the new password must differ from the current one');
  const hash = await hashPassword(next);
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, { password_hash: hash, must_change_password: 0 });
    // Other sessions of this user end: a changed password must lock out whoever knew the old one.
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).where('id_hash', '!=', session.idHash).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.password_changed', target: `user:${row.id}` });
  });
  return advance(ctx, session, true);
}

export async function startTotpEnrolment(ctx: NodeContext, session: Session): Promise<{ secret: string; otpauth_uri: string; qr_svg: string }> {
  requireStage(session, 'totp_enrol', 'full');
  const secret = newTotpSecret();
  await updateUserRow(ctx.store.db, session.user.id, { totp_secret: secret, totp_enabled: 0 });
  const uri = totpUri(secret, session.user.email, `Accord ${ctx.identity.node_id}`);
  return { secret, otpauth_uri: uri, qr_svg: await QRCode.toString(uri, { type: 'svg', margin: 1 }) };
}

export async function confirmTotpEnrolment(ctx: NodeContext, session: Session, code: string, ip: string | null): Promise<{ stage: SessionStage; recovery_codes: string[] }> {
  requireStage(session, 'totp_enrol', 'full');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  if (!row.totp_secret) throw new InvalidInputError('start the enrolment first');
  if (!checkTotp(code, row.totp_secret)) throw new InvalidInputError('the code does not match; check the clock of your device');
  const { codes, hashes } = newRecoveryCodes();
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, { totp_enabled: 1, recovery_codes: JSON.stringify(hashes) });
    await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.totp_enrolled', target: `user:${row.id}` });
  });
  return { stage: await advance(ctx, session, true), recovery_codes: codes };
}
