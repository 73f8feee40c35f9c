import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import type { DbOrTrx } from '../store/db.js';
import { ConflictError, InvalidInputError, NotFoundError, invalidFields } from '../errors.js';
import { generateOneTimePassword, hashPassword, passwordProblem } from './passwords.js';
import { isRole, type Role } from './roles.js';
import { nextSignInStage } from './sign-in.rules.js';
import { forgetTokenLookups } from './token-lookups.js';
import {
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  listUserRows,
  normaliseEmail,
  rowToUser,
  updateUserRow,
  type User,
} from './users.repository.js';

export interface NewUser {
  email: string;
  display_name: string;
  role: string;
  /** When absent, a one-time password is generated and must be changed at first sign-in. */
  password?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function createUser(ctx: NodeContext, actor: Actor, input: NewUser): Promise<{ user: User; oneTimePassword?: string }> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) throw invalidFields([{ pointer: '/email', code: 'format', format: 'email', message: 'must be an e-mail address' }], 'email must be an e-mail address');
  if (!isRole(input.role)) throw new InvalidInputError(`unknown role: ${input.role}`);
  const displayName = input.display_name.trim();
  if (displayName === '' || displayName.length > 200) throw invalidFields([displayName === '' ? { pointer: '/display_name', code: 'required', message: 'must not be blank' } : { pointer: '/display_name', code: 'too_long', limit: 200, message: 'must be at most 200 characters' }], 'display_name must have 1 to 200 characters');
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password);
    if (problem) throw new InvalidInputError(problem);
  }
  const oneTimePassword = input.password === undefined ? generateOneTimePassword() : undefined;
  const passwordHash = await hashPassword(input.password ?? oneTimePassword!);
  const { db, dialect } = ctx.store;
  const now = new Date().toISOString();
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    if (await findUserByEmail(trx, email)) throw new ConflictError(`a user with e-mail ${email} exists already`);
    await trx
      .insertInto('users')
      .values({
        id,
        email,
        display_name: displayName,
        role: input.role as Role,
        password_hash: passwordHash,
        must_change_password: oneTimePassword ? 1 : 0,
        totp_secret: null,
        totp_enabled: 0,
        recovery_codes: '[]',
        disabled: 0,
        failed_logins: 0,
        locked_until: null,
        language: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'user.create', target: `user:${id}`, details: { email, role: input.role } });
  });
  const user = rowToUser((await findUserById(db, id))!);
  return oneTimePassword ? { user, oneTimePassword } : { user };
}

export async function listUsers(ctx: NodeContext): Promise<User[]> {
  return (await listUserRows(ctx.store.db)).map(rowToUser);
}

export async function getUser(ctx: NodeContext, idOrEmail: string): Promise<User> {
  const db = ctx.store.db;
  const row = idOrEmail.includes('@') ? await findUserByEmail(db, idOrEmail) : await findUserById(db, idOrEmail);
  if (!row) throw new NotFoundError(`user ${idOrEmail}`);
  return rowToUser(row);
}

export interface UserPatch {
  display_name?: string;
  role?: string;
  disabled?: boolean;
}

export async function updateUser(ctx: NodeContext, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  const { db, dialect } = ctx.store;
  if (patch.role !== undefined && !isRole(patch.role)) throw new InvalidInputError(`unknown role: ${patch.role}`);
  if (patch.display_name !== undefined && (patch.display_name.trim() === '' || patch.display_name.length > 200)) {
    throw invalidFields([{ pointer: '/display_name', code: patch.display_name.trim() === '' ? 'required' : 'too_long', limit: 200, message: 'must have 1 to 200 characters' }], 'display_name must have 1 to 200 characters');
  }
  await db.transaction().execute(async (trx) => {
    const row = await findUserById(trx, id);
    if (!row) throw new NotFoundError(`user ${id}`);
    const losesAdmin = row.role === 'admin' && !row.disabled && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'));
    if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
      throw new ConflictError('the node must keep at least one active administrator');
    }
    // A new role that demands a second factor the user lacks (admin without TOTP): their
    // sessions step back to enrolment (see findSession) and their tokens, which could never
    // take that step, are revoked; the user makes new ones once enrolled.
    const user = rowToUser(row);
    const needsStep = (role: Role) => nextSignInStage({ ...user, role }, ctx.settings.requireAdminTotp, true) === 'totp_enrol';
    const raisesFactor = patch.role !== undefined && needsStep(patch.role as Role) && !needsStep(row.role);
    const tokensRevoked = raisesFactor ? await revokeAllTokens(trx, id) : 0;
    await updateUserRow(trx, id, {
      ...(patch.display_name !== undefined ? { display_name: patch.display_name.trim() } : {}),
      ...(patch.role !== undefined ? { role: patch.role as Role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
    });
    if (patch.disabled === true) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'user.update', target: `user:${id}`, details: { ...patch, ...(raisesFactor ? { tokens_revoked: tokensRevoked } : {}) } });
  });
  // Again once committed: a token looked up while the transaction ran saw the old row.
  forgetTokenLookups();
  return getUser(ctx, id);
}

/** Revokes every live API token of a user; returns how many. */
async function revokeAllTokens(trx: DbOrTrx, userId: string): Promise<number> {
  forgetTokenLookups();
  const r = await trx.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Gives the user a new one-time password, lifts a lockout, ends their sessions and revokes
 * their API tokens (a reset is for a credential that may be in the wrong hands);
 * with `resetTotp` also removes the second factor so that it is enrolled again.
 */
export async function resetUser(ctx: NodeContext, actor: Actor, id: string, opts: { resetTotp?: boolean } = {}): Promise<{ user: User; oneTimePassword: string }> {
  const { db, dialect } = ctx.store;
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  await db.transaction().execute(async (trx) => {
    const row = await findUserById(trx, id);
    if (!row) throw new NotFoundError(`user ${id}`);
    await updateUserRow(trx, id, {
      password_hash: passwordHash,
      must_change_password: 1,
      failed_logins: 0,
      locked_until: null,
      ...(opts.resetTotp ? { totp_secret: null, totp_pending_secret: null, totp_enabled: 0, recovery_codes: '[]' } : {}),
    });
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    const tokensRevoked = await revokeAllTokens(trx, id);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'user.reset', target: `user:${id}`, details: { reset_totp: Boolean(opts.resetTotp), tokens_revoked: tokensRevoked } });
  });
  forgetTokenLookups();
  return { user: await getUser(ctx, id), oneTimePassword };
}

// For other parts of the node, which never read the users table themselves.

/** Ids of the enabled users holding one of `roles` (e.g. whom to tell about a ping test). */
export async function enabledUserIdsWithRoles(db: DbOrTrx, roles: readonly Role[]): Promise<string[]> {
  return (await db.selectFrom('users').select('id').where('role', 'in', [...roles]).where('disabled', '=', 0).execute()).map((u) => u.id);
}

/** Where to reach users: address and whether the account is disabled; unknown ids are left out. */
export async function userAddresses(db: DbOrTrx, ids: readonly string[]): Promise<{ id: string; email: string; disabled: boolean }[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').select(['id', 'email', 'disabled']).where('id', 'in', [...ids]).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, disabled: Boolean(r.disabled) }));
}

export async function userExists(db: DbOrTrx, id: string): Promise<boolean> {
  return (await findUserById(db, id)) !== undefined;
}
