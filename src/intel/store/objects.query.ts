import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { TLP_LEVELS, type Tlp } from '../policy/markings.js';
import { mayReach, type Audience, type Origin, type PolicyOptions } from '../policy/release.policy.js';

/**
 * The release policy as a WHERE clause: for each origin, the TLP levels (and unmarked) that
 * `mayReach` lets through to this audience. Derived from the one policy function, never
 * written twice.
 */
export function policyWhere(audience: Audience, options: PolicyOptions) {
  const allowed = (origin: Origin) => {
    const levels = TLP_LEVELS.filter((tlp) => mayReach({ tlp, origin }, audience, options).allowed);
    return { levels, unmarked: mayReach({ tlp: null, origin }, audience, options).allowed };
  };
  return (eb: ExpressionBuilder<Database, 'intel_objects'>): Expression<SqlBool> =>
    eb.or(
      (['local', 'received'] as const).map((origin) => {
        const a = allowed(origin);
        const marks: Expression<SqlBool>[] = [];
        if (a.levels.length) marks.push(eb('tlp', 'in', a.levels));
        if (a.unmarked) marks.push(eb('tlp', 'is', null));
        return eb.and([eb('origin', '=', origin), marks.length ? eb.or(marks) : sql<SqlBool>`1 = 0`]);
      }),
    );
}

export interface ObjectFilter {
  type?: string;
  tlp?: Tlp;
  origin?: Origin;
  /** Words that must all appear in the object's searchable text. */
  q?: string;
  /** Objects stored before this seq (the next page of a newest-first list). */
  before?: number;
  limit: number;
}

export interface ObjectRow {
  seq: number;
  id: string;
  version: string;
  type: string;
  tlp: Tlp | null;
  origin: Origin;
  source: string;
  revoked: boolean;
  date_added: string;
  object: Record<string, unknown>;
}

function toRow(r: { seq: number | string; id: string; version: string; type: string; tlp: Tlp | null; origin: Origin; source: string; revoked: number; date_added: string; object: string }): ObjectRow {
  return { ...r, seq: Number(r.seq), revoked: r.revoked === 1, object: JSON.parse(r.object) as Record<string, unknown> };
}

const COLUMNS = ['seq', 'id', 'version', 'type', 'tlp', 'origin', 'source', 'revoked', 'date_added', 'object'] as const;

/** The newest version of each object the audience may see, newest first. */
export async function listObjects(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: ObjectFilter): Promise<ObjectRow[]> {
  let q = db.selectFrom('intel_objects').select(COLUMNS).where('latest', '=', 1).where(policyWhere(audience, options));
  if (f.type) q = q.where('type', '=', f.type);
  if (f.tlp) q = q.where('tlp', '=', f.tlp);
  if (f.origin) q = q.where('origin', '=', f.origin);
  if (f.before !== undefined) q = q.where('seq', '<', f.before);
  for (const word of (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<SqlBool>`search_text like ${`%${escaped}%`} escape '\\'`);
  }
  const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
  return rows.map(toRow);
}

/** Every version of one object the audience may see, oldest first; empty when none. */
export async function objectVersions(db: DbOrTrx, audience: Audience, options: PolicyOptions, id: string): Promise<ObjectRow[]> {
  const rows = await db.selectFrom('intel_objects').select(COLUMNS).where('id', '=', id).where(policyWhere(audience, options)).orderBy('version').execute();
  return rows.map(toRow);
}
