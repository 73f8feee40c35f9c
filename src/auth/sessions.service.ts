import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { sha256Hex } from '../crypto/canonical.js';
import { secretPlace } from '../crypto/secret-box.js';
import { AccountLockedError, ConflictError, InvalidCredentialsError, InvalidInputError, StepRequiredError } from '../errors.js';
import type { SessionStage, SessionsTable } from './auth.tables.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { admitUnknownAttempt, admitUserAttempt, clearUserFailures, type LockPolicy } from './sign-in-attempts.repository.js';
import { nextSignInStage } from './sign-in.rules.js';
import { hashRecoveryCode, matchTotpStep, newRecoveryCodes, newTotpSecret, totpUri } from './totp.js';
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

function lockPolicy(ctx: NodeContext): LockPolicy {
  return { maxFailures: ctx.settings.loginMaxFailures, lockoutMinutes: ctx.settings.lockoutMinutes };
}

/**
 * One judged attempt on a user's account (password, TOTP code, recovery code): counted and,
 * at the limit, locked before `check` runs, so parallel attempts cannot outrun the count.
 * A success starts the count again; a failure is audited and answered 401, or 423 when it
 * used the last attempt allowed.
 */
async function attempt(ctx: NodeContext, row: UserRow, origin: Origin, failedAction: string, check: () => Promise<boolean>): Promise<void> {
  const { db, dialect } = ctx.store;
  const admission = await admitUserAttempt(db, row.id, lockPolicy(ctx), new Date());
  if (!admission.admitted) throw new AccountLockedError(admission.lockedUntil);
  if (await check()) {
    await clearUserFailures(db, row.id);
    return;
  }
  await db.transaction().execute((trx) =>
    appendAudit(trx, dialect, { actor: `user:${row.id}`, ip: origin.ip, action: failedAction, target: `user:${row.id}`, details: { locked_until: admission.lockedUntil } }),
  );
  if (admission.lockedUntil) throw new AccountLockedError(admission.lockedUntil);
  throw new InvalidCredentialsError();
}

/** Where a user's TOTP secrets are sealed (crypto/secret-box.ts): bound to the row and column. */
const totpPlace = (userId: string, column: 'totp_secret' | 'totp_pending_secret') => secretPlace('users', column, userId);

/**
 * Accepts a TOTP code of the user's stored (sealed) secret once: the step it belongs to must
 * come after the last step this user used, and recording it is one conditional UPDATE, so two
 * requests racing with the same code cannot both pass.
 */
async function consumeTotp(ctx: NodeContext, userId: string, sealedSecret: string, code: string): Promise<boolean> {
  const step = matchTotpStep(code, ctx.secrets.open(sealedSecret, totpPlace(userId, 'totp_secret')));
  if (step === null) return false;
  const r = await ctx.store.db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where('totp_secret', '=', sealedSecret)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Spends one recovery code: compare-and-set on the list, so a code cannot be spent twice in parallel. */
async function spendRecoveryCode(ctx: NodeContext, userId: string, code: string, ip: string | null): Promise<boolean> {
  const { db, dialect } = ctx.store;
  const h = hashRecoveryCode(code);
  for (let tries = 0; tries < 5; tries++) {
    const cur = await db.selectFrom('users').select('recovery_codes').where('id', '=', userId).executeTakeFirst();
    const hashes = cur ? (JSON.parse(cur.recovery_codes) as string[]) : [];
    if (!cur || !hashes.includes(h)) return false;
    const rest = hashes.filter((x) => x !== h);
    const spent = await db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('users').set({ recovery_codes: JSON.stringify(rest) }).where('id', '=', userId).where('recovery_codes', '=', cur.recovery_codes).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await appendAudit(trx, dialect, { actor: `user:${userId}`, ip, action: 'auth.recovery_code_used', target: `user:${userId}`, details: { remaining: rest.length } });
      return true;
    });
    if (spent) return true;
  }
  return false;
}

/**
 * Checks e-mail and password and opens a session at the first sign-in step still missing.
 * An e-mail with no usable account (unknown or disabled) goes through the same steps: a count
 * and lock of its own, scrypt against a dummy hash, the same answers.
 */
export async function signIn(ctx: NodeContext, email: string, password: string, origin: Origin): Promise<{ token: string; session: Session }> {
  const { db, dialect } = ctx.store;
  const row = await findUserByEmail(db, email);
  if (!row || row.disabled) {
    const admission = await admitUnknownAttempt(db, email, lockPolicy(ctx), new Date());
    if (!admission.admitted) throw new AccountLockedError(admission.lockedUntil);
    await verifyPassword(password, DUMMY_HASH);
    await db.transaction().execute((trx) =>
      appendAudit(trx, dialect, { actor: 'anonymous', ip: origin.ip, action: 'auth.sign_in_failed', details: { email: email.slice(0, 254), locked_until: admission.lockedUntil } }),
    );
    if (admission.lockedUntil) throw new AccountLockedError(admission.lockedUntil);
    throw new InvalidCredentialsError();
  }
  await attempt(ctx, row, origin, 'auth.sign_in_failed', () => verifyPassword(password, row.password_hash));

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
  // A full session steps back when the user no longer meets the rule for a full one (e.g. an
  // analyst promoted to admin without TOTP): the missing step comes first.
  if (s.stage === 'full') return toSession({ ...s, stage: stageFor(ctx, user, true) }, user);
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

/** The second factor: a current TOTP code (once) or one unused recovery code. */
export async function verifySecondFactor(ctx: NodeContext, session: Session, input: { code?: string; recovery_code?: string }, ip: string | null): Promise<SessionStage> {
  requireStage(session, 'totp');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  const origin = { ip, userAgent: null };
  const { code, recovery_code: recoveryCode } = input;
  if (code !== undefined) {
    await attempt(ctx, row, origin, 'auth.totp_failed', async () => row.totp_secret !== null && (await consumeTotp(ctx, row.id, row.totp_secret, code)));
  } else if (recoveryCode !== undefined) {
    await attempt(ctx, row, origin, 'auth.recovery_code_failed', () => spendRecoveryCode(ctx, row.id, recoveryCode, ip));
  } else {
    throw new InvalidInputError('send either code or recovery_code');
  }
  return advance(ctx, session, true);
}

/** How long after signing in with a one-time password the new one may be set without giving it again. */
export const ONE_TIME_CHANGE_MINUTES = 15;

/**
 * The forced change right after signing in with a one-time password: sign-in has just checked
 * it, and this session (in the password-change step, which nothing else opens) proves that.
 * A session left open longer, or a full one, must give the current password.
 */
async function justSignedInToChange(ctx: NodeContext, session: Session, row: UserRow): Promise<boolean> {
  if (session.stage !== 'password_change' || !row.must_change_password) return false;
  const s = await ctx.store.db.selectFrom('sessions').select('created_at').where('id_hash', '=', session.idHash).executeTakeFirst();
  return s !== undefined && Date.now() - new Date(s.created_at).getTime() < ONE_TIME_CHANGE_MINUTES * 60_000;
}

export async function changePassword(ctx: NodeContext, session: Session, current: string | undefined, next: string, ip: string | null): Promise<SessionStage> {
  requireStage(session, 'password_change', 'full');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  if (current !== undefined) {
    await attempt(ctx, row, { ip, userAgent: null }, 'auth.password_change_failed', () => verifyPassword(current, row.password_hash));
  } else if (!(await justSignedInToChange(ctx, session, row))) {
    throw new InvalidInputError('give current_password: it may be left out only right after signing in with a one-time password');
  }
  const problem = passwordProblem(next);
  if (problem) throw new InvalidInputError(problem);
  if (current === next || (current === undefined && (await verifyPassword(next, row.password_hash)))) throw new InvalidInputError('the new password must differ from the current one');
  const hash = await hashPassword(next);
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, { password_hash: hash, must_change_password: 0 });
    // Other sessions of this user end: a changed password must lock out whoever knew the old one.
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).where('id_hash', '!=', session.idHash).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.password_changed', target: `user:${row.id}` });
  });
  return advance(ctx, session, true);
}

export interface EnrolmentProof {
  current_password?: string;
  code?: string;
}

/**
 * Starts enrolling an authenticator. The new secret waits beside the active one until it is
 * confirmed, so starting never turns the second factor off. Outside the sign-in step (where
 * there is no factor yet and the password was just given) it needs the current password and,
 * when TOTP is on, a current code: a left-open session must not be enough to replace the factor.
 */
export async function startTotpEnrolment(ctx: NodeContext, session: Session, proof: EnrolmentProof, ip: string | null): Promise<{ secret: string; otpauth_uri: string; qr_svg: string }> {
  requireStage(session, 'totp_enrol', 'full');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  const replaces = Boolean(row.totp_enabled);
  if (session.stage === 'full' || replaces) {
    const { current_password: password, code } = proof;
    if (password === undefined) throw new InvalidInputError('current_password is required to change the second factor');
    if (replaces && code === undefined) throw new InvalidInputError('code from your current authenticator is required to replace it');
    await attempt(ctx, row, { ip, userAgent: null }, 'auth.totp_enrolment_failed', async () => {
      if (!(await verifyPassword(password, row.password_hash))) return false;
      return !replaces || (row.totp_secret !== null && (await consumeTotp(ctx, row.id, row.totp_secret, code!)));
    });
  }
  const secret = newTotpSecret();
  await ctx.store.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, row.id, { totp_pending_secret: ctx.secrets.seal(secret, totpPlace(row.id, 'totp_pending_secret')) });
    await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.totp_enrolment_started', target: `user:${row.id}`, details: { replaces } });
  });
  const uri = totpUri(secret, session.user.email, `Accord ${ctx.identity.node_id}`);
  return { secret, otpauth_uri: uri, qr_svg: await (await import('qrcode')).default.toString(uri, { type: 'svg', margin: 1 }) };
}

/** Confirms the pending authenticator with a code from it: it becomes the factor, and other sessions end. */
export async function confirmTotpEnrolment(ctx: NodeContext, session: Session, code: string, ip: string | null): Promise<{ stage: SessionStage; recovery_codes: string[] }> {
  requireStage(session, 'totp_enrol', 'full');
  const row = (await findUserById(ctx.store.db, session.user.id))!;
  const sealedPending = row.totp_pending_secret;
  if (!sealedPending) throw new InvalidInputError('start the enrolment first');
  const pending = ctx.secrets.open(sealedPending, totpPlace(row.id, 'totp_pending_secret'));
  const step = matchTotpStep(code, pending);
  if (step === null) throw new InvalidInputError('the code does not match; check the clock of your device');
  const { codes, hashes } = newRecoveryCodes();
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('users')
      .set({
        totp_secret: ctx.secrets.seal(pending, totpPlace(row.id, 'totp_secret')),
        totp_pending_secret: null,
        totp_enabled: 1,
        // The confirming code is used up too; steps only move forward.
        totp_last_step: sql<number>`CASE WHEN totp_last_step IS NULL OR totp_last_step < ${step} THEN ${step} ELSE totp_last_step END`,
        recovery_codes: JSON.stringify(hashes),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', row.id)
      .where('totp_pending_secret', '=', sealedPending)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ConflictError('the enrolment was restarted meanwhile; start it again');
    // Whoever held a session before the factor changed must sign in with the new one.
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).where('id_hash', '!=', session.idHash).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: `user:${row.id}`, ip, action: 'auth.totp_enrolled', target: `user:${row.id}`, details: { replaced: Boolean(row.totp_enabled) } });
  });
  return { stage: await advance(ctx, session, true), recovery_codes: codes };
}
