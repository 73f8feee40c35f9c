import { sql, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../../store/db.js';
import type { Audience, PolicyOptions } from '../policy/release.policy.js';
import { policyWhere } from '../store/objects.query.js';

/**
 * TAXII 2.1 reads of the store. Pages run in seq order with the last seq as the cursor: seq is
 * assigned under the store's write lock, so an object committed after a page was read always
 * has a larger seq and is never skipped, however many objects share one date_added; and a
 * cursor is only a number, valid for as long as the store exists.
 */
export interface TaxiiFilter {
  /** Objects added after this time (RFC 3339). */
  addedAfter?: string;
  ids?: string[];
  types?: string[];
  /** `last` (default), `first`, `all`, or exact versions (timestamps). */
  versions?: string[];
  specVersions?: string[];
  /** Objects after this seq (the `next` of the previous page). */
  after?: number;
  limit: number;
  /** The local collection: only objects created or imported here. */
  origin?: 'local';
  /** A release's collection: only the objects its filter chooses. */
  release?: { types?: string[]; ids?: string[]; new_local?: boolean; from_seq: number };
}

export interface TaxiiRow {
  seq: number;
  id: string;
  version: string;
  date_added: string;
  spec_version: string;
  object: string;
}

/**
 * The first seq added after `t`. date_added never goes back as seq grows, so a binary search
 * over seq (primary-key lookups) finds it without an index on date_added.
 */
export async function firstSeqAddedAfter(db: DbOrTrx, t: string): Promise<number | null> {
  const bounds = await db.selectFrom('intel_objects').select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')]).executeTakeFirst();
  if (!bounds || bounds.lo === null || bounds.hi === null) return null;
  let lo = Number(bounds.lo);
  let hi = Number(bounds.hi);
  const addedAt = async (seq: number) => (await db.selectFrom('intel_objects').select('date_added').where('seq', '>=', seq).orderBy('seq').limit(1).executeTakeFirst())?.date_added ?? null;
  const last = await addedAt(hi);
  if (last === null || last <= t) return null;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const at = await addedAt(mid);
    if (at !== null && at > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One page of objects (or manifest rows) the audience may see, in seq order; `limit + 1` rows tell whether there are more. */
export async function taxiiPage(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: TaxiiFilter): Promise<TaxiiRow[]> {
  let from = f.after ?? 0;
  if (f.addedAfter !== undefined) {
    const first = await firstSeqAddedAfter(db, f.addedAfter);
    if (first === null) return [];
    from = Math.max(from, first - 1);
  }
  const versions = f.versions ?? ['last'];
  let q = db.selectFrom('intel_objects').select(['seq', 'id', 'version', 'date_added', 'spec_version', 'object']).where('seq', '>', from).where(policyWhere(audience, options));
  if (f.ids?.length) q = q.where('id', 'in', f.ids);
  if (f.types?.length) q = q.where('type', 'in', f.types);
  if (f.specVersions?.length) q = q.where('spec_version', 'in', f.specVersions);
  if (f.origin) q = q.where('origin', '=', f.origin);
  if (f.release) {
    const r = f.release;
    if (r.types) q = q.where('type', 'in', r.types);
    if (r.ids) q = q.where('id', 'in', r.ids);
    if (r.new_local) q = q.where('origin', '=', 'local').where('seq', '>', r.from_seq);
  }
  if (!versions.includes('all')) {
    const exact = versions.filter((v) => v !== 'last' && v !== 'first');
    q = q.where((eb) => {
      const any = [];
      if (versions.includes('last')) any.push(eb('latest', '=', 1));
      if (versions.includes('first')) any.push(eb('version', '=', eb.selectFrom('intel_objects as o').select((x) => x.fn.min('o.version').as('v')).whereRef('o.id', '=', 'intel_objects.id')));
      if (exact.length) any.push(eb('version', 'in', exact));
      return any.length ? eb.or(any) : sql<SqlBool>`1 = 0`;
    });
  }
  const rows = await q.orderBy('seq').limit(f.limit + 1).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}
