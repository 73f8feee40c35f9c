import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../store/db.js';
import type { UsersTable } from './auth.tables.js';
import { forgetTokenLookups } from './token-lookups.js';
import type { Role } from './roles.js';

export type UserRow = Selectable<UsersTable>;

/** The API view of a user: never the hashes or the TOTP secret. */
export interface User {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  totp_enabled: boolean;
  must_change_password: boolean;
  locked_until: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
}

export function rowToUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    display_name: r.display_name,
    role: r.role,
    disabled: Boolean(r.disabled),
    totp_enabled: Boolean(r.totp_enabled),
    must_change_password: Boolean(r.must_change_password),
    locked_until: r.locked_until,
    language: r.language,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserById(db: DbOrTrx, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: DbOrTrx, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export function listUserRows(db: DbOrTrx): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute();
}

export async function countActiveAdmins(db: DbOrTrx): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateUserRow(db: DbOrTrx, id: string, patch: Partial<UsersTable>): Promise<void> {
  forgetTokenLookups();
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}
