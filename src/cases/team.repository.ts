import { sql, type RawBuilder } from 'kysely';
import type { Role } from '../auth/roles.js';
import { type DbOrTrx, type Dialect, transactionLock } from '../store/db.js';
import { teamRestricts } from './team.rules.js';

/** Who asks: a user of this node (the `User` of a session or token, or the desk's viewer). */
export interface Reader {
  id: string;
  role: Role;
}

export const userRef = (id: string) => `user:${id}`;
export const refToUserId = (ref: string) => (ref.startsWith('user:') ? ref.slice(5) : null);

export function teamRows(db: DbOrTrx, caseId: string): Promise<{ user_id: string; assigned_by: string; assigned_at: string }[]> {
  return db.selectFrom('case_assignments').select(['user_id', 'assigned_by', 'assigned_at']).where('case_id', '=', caseId).orderBy('assigned_at').orderBy('user_id').execute();
}

/** User ids of those who drafted the request that became `caseId` on this node. */
export async function authorIds(db: DbOrTrx, caseId: string): Promise<string[]> {
  const rows = await db.selectFrom('case_drafts').select('created_by').where('case_id', '=', caseId).execute();
  return [...new Set(rows.map((r) => refToUserId(r.created_by)).filter((id): id is string => id !== null))];
}

/**
 * The team rule (team.rules.ts `caseAccess(...).case`) as a SQL condition on the column
 * `caseIdColumn` (e.g. `cases.case_id`): true for the cases `reader` reaches. Null when the
 * rule lets the reader's role reach every case (nothing to filter). Each branch is one index
 * probe per row: `case_assignments` by its key (case_id, user_id), `case_drafts` by
 * (case_id, created_by).
 */
export function caseVisibleSql(reader: Reader, caseIdColumn: string): RawBuilder<boolean> | null {
  if (!teamRestricts(reader.role)) return null;
  const c = sql.ref(caseIdColumn);
  return sql<boolean>`(not exists (select 1 from case_assignments ca where ca.case_id = ${c}) or exists (select 1 from case_assignments ca where ca.case_id = ${c} and ca.user_id = ${reader.id}) or exists (select 1 from case_drafts cd where cd.case_id = ${c} and cd.created_by = ${userRef(reader.id)}))`;
}

/**
 * Waits for this transaction's turn among the changes to one case's team (PostgreSQL; SQLite's
 * one connection runs one transaction at a time): a change reads the team after every change
 * committed before it, so two whole-team writes at once end as one of them (never a mix) and
 * each audit entry names what really changed.
 */
export async function takeTeamTurn(db: DbOrTrx, dialect: Dialect, caseId: string): Promise<void> {
  if (dialect === 'postgres') await transactionLock(db, 'cases.team', caseId);
}
