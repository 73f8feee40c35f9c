import { randomBytes, randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { sha256Hex } from '../crypto/canonical.js';
import { InvalidInputError, NotFoundError, invalidFields } from '../errors.js';
import { findUserById, rowToUser, type User } from './users.repository.js';
import { forgetTokenLookups, lookupGeneration, rememberedLookup, rememberLookup } from './token-lookups.js';

export interface ApiToken {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export const TOKEN_PREFIX = 'acc_';

/** Creates a token for scripts; the secret is returned once and only its hash is kept. */
export async function createToken(ctx: NodeContext, actor: Actor, userId: string, input: { name: string; expires_in_days?: number }): Promise<{ token: string; record: ApiToken }> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw invalidFields([name === '' ? { pointer: '/name', code: 'required', message: 'must not be blank' } : { pointer: '/name', code: 'too_long', limit: 100, message: 'must be at most 100 characters' }], 'name must have 1 to 100 characters');
  if (input.expires_in_days !== undefined && (!Number.isInteger(input.expires_in_days) || input.expires_in_days < 1 || input.expires_in_days > 3650)) {
    throw new InvalidInputError('expires_in_days must be an integer from 1 to 3650');
  }
  const { db, dialect } = ctx.store;
  if (!(await findUserById(db, userId))) throw new NotFoundError(`user ${userId}`);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = new Date();
  const record: ApiToken = {
    id: randomUUID(),
    user_id: userId,
    name,
    created_at: now.toISOString(),
    expires_at: input.expires_in_days ? new Date(now.getTime() + input.expires_in_days * 86_400_000).toISOString() : null,
    revoked_at: null,
    last_used_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('api_tokens').values({ ...record, token_hash: sha256Hex(token) }).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'token.create', target: `token:${record.id}`, details: { user_id: userId, name } });
  });
  return { token, record };
}

export function listTokens(ctx: NodeContext, userId?: string): Promise<ApiToken[]> {
  let q = ctx.store.db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .orderBy('created_at', 'desc');
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.execute();
}

/** Revokes a token; with `ownerId`, only a token of that user (others look absent). */
export async function revokeToken(ctx: NodeContext, actor: Actor, id: string, ownerId?: string): Promise<ApiToken> {
  const { db, dialect } = ctx.store;
  forgetTokenLookups();
  const revoked = await db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('api_tokens').select(['id', 'user_id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at']).where('id', '=', id);
    if (ownerId !== undefined) q = q.where('user_id', '=', ownerId);
    const t = await q.executeTakeFirst();
    if (!t) throw new NotFoundError(`token ${id}`);
    if (t.revoked_at) return t;
    const revokedAt = new Date().toISOString();
    await trx.updateTable('api_tokens').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'token.revoke', target: `token:${id}` });
    return { ...t, revoked_at: revokedAt };
  });
  forgetTokenLookups();
  return revoked;
}

type TokenUserRow = Parameters<typeof rowToUser>[0] & { token_id: string; revoked_at: string | null; token_expires_at: string | null; disabled: number };

// last_used_at is written at most once a minute per token, so reads stay reads.
const lastTouched = new Map<string, number>();

/** The user behind a bearer token, or null when it is unknown, revoked, expired or its user disabled. */
export async function authenticateToken(ctx: NodeContext, token: string): Promise<User | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const db = ctx.store.db;
  const hash = sha256Hex(token);
  let row = rememberedLookup<TokenUserRow>(db, hash);
  if (!row) {
    const gen = lookupGeneration();
    row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.expires_at as token_expires_at'])
      .where('api_tokens.token_hash', '=', hash)
      .executeTakeFirst();
    if (row) rememberLookup(db, hash, row, gen);
  }
  const now = Date.now();
  if (!row || row.revoked_at || row.disabled) return null;
  if (row.token_expires_at && row.token_expires_at <= new Date(now).toISOString()) return null;
  if ((lastTouched.get(row.token_id) ?? 0) < now - 60_000) {
    lastTouched.set(row.token_id, now);
    await db.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString() }).where('id', '=', row.token_id).execute();
  }
  return rowToUser(row);
}
