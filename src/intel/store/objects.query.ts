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

/** Words that must all appear in the object's searchable text (at most 8). */
function whereWords<Q extends { where: (e: Expression<SqlBool>) => Q }>(q: Q, words: string | undefined): Q {
  for (const word of (words ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<SqlBool>`search_text like ${`%${escaped}%`} escape '\\'`);
  }
  return q;
}

/** The newest version of each object the audience may see, newest first. */
export async function listObjects(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: ObjectFilter): Promise<ObjectRow[]> {
  let q = db.selectFrom('intel_objects').select(COLUMNS).where('latest', '=', 1).where(policyWhere(audience, options));
  if (f.type) q = q.where('type', '=', f.type);
  if (f.tlp) q = q.where('tlp', '=', f.tlp);
  if (f.origin) q = q.where('origin', '=', f.origin);
  if (f.before !== undefined) q = q.where('seq', '<', f.before);
  q = whereWords(q, f.q);
  const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
  return rows.map(toRow);
}

/** Every version of one object the audience may see, oldest first; empty when none. */
export async function objectVersions(db: DbOrTrx, audience: Audience, options: PolicyOptions, id: string): Promise<ObjectRow[]> {
  const rows = await db.selectFrom('intel_objects').select(COLUMNS).where('id', '=', id).where(policyWhere(audience, options)).orderBy('version').execute();
  return rows.map(toRow);
}

/** The newest version of each of these ids that the audience may see (marking definitions an export names). */
export async function latestVisible(db: DbOrTrx, audience: Audience, options: PolicyOptions, ids: readonly string[]): Promise<ObjectRow[]> {
  const out: ObjectRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('intel_objects').select(COLUMNS).where('latest', '=', 1).where('id', 'in', ids.slice(i, i + 500)).where(policyWhere(audience, options)).execute();
    out.push(...rows.map(toRow));
  }
  return out;
}

export interface ExportFilter {
  type?: string;
  tlp?: Tlp;
  origin?: Origin;
  q?: string;
  /** `latest` (the default): the newest version of each object; `all`: every version held. */
  versions?: 'latest' | 'all';
  /** Only what was stored up to this seq: the store as it was when the export began. */
  upTo?: number;
}

function exportQuery(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: ExportFilter) {
  let q = db.selectFrom('intel_objects').where(policyWhere(audience, options));
  if (f.versions !== 'all') q = q.where('latest', '=', 1);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.tlp) q = q.where('tlp', '=', f.tlp);
  if (f.origin) q = q.where('origin', '=', f.origin);
  if (f.upTo !== undefined) q = q.where('seq', '<=', f.upTo);
  return whereWords(q, f.q);
}

/** The last seq stored, and how many objects an export with these filters holds up to it. */
export async function exportExtent(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: ExportFilter): Promise<{ upTo: number; count: number }> {
  const last = await db.selectFrom('intel_objects').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const upTo = last ? Number(last.seq) : 0;
  const r = await exportQuery(db, audience, options, { ...f, upTo })
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return { upTo, count: Number(r.n) };
}

/**
 * What an export holds, page by page (newest first), under the same policy and filters as the
 * list: never more than one page in memory. With `versions: 'all'` every version the reader
 * may see, else the newest of each object.
 */
export async function* exportPages(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: ExportFilter, pageSize = 500): AsyncGenerator<ObjectRow[]> {
  let before: number | undefined;
  for (;;) {
    let q = exportQuery(db, audience, options, f).select(COLUMNS);
    if (before !== undefined) q = q.where('seq', '<', before);
    const rows = (await q.orderBy('seq', 'desc').limit(pageSize).execute()).map(toRow);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    before = rows[rows.length - 1]!.seq;
  }
}

/**
 * The relationships whose `target_ref` is `id` and the sightings whose `sighting_of_ref` is
 * it, the newest version of each that the audience may see, newest first (at most `limit`).
 * Found through the incoming-links index (`intel_links`, filled as objects are stored): the
 * search reads every link to `id`, however many other links the store holds; only the answer
 * is cut at `limit`.
 */
export async function incomingRefs(db: DbOrTrx, audience: Audience, options: PolicyOptions, id: string, limit: number): Promise<ObjectRow[]> {
  const rows = await db
    .selectFrom('intel_objects')
    .select(COLUMNS)
    .where('latest', '=', 1)
    .where(policyWhere(audience, options))
    .where((eb) => eb.exists(eb.selectFrom('intel_links').select('intel_links.object_id').where('intel_links.target_id', '=', id).whereRef('intel_links.object_id', '=', 'intel_objects.id').whereRef('intel_links.version', '=', 'intel_objects.version')))
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toRow);
}
