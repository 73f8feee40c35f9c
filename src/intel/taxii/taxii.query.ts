import { sql, type CompiledQuery, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { DbOrTrx, Dialect, StoreHandle } from '../../store/db.js';
import { DEFAULT_POLICY, type Audience, type PolicyOptions } from '../policy/release.policy.js';
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
  /** The collection's objects (everything the reader may see when not given). */
  scope?: CollectionScope;
}

/** What one release of this node chooses: its filter, and the store's end when it was made. */
export interface ReleaseScope {
  types?: string[];
  ids?: string[];
  new_local?: boolean;
  from_seq: number;
}

/**
 * A node's time as a member of a group, as this node's record of the group says: from its
 * joining to its leaving (null: still a member). Times are ISO 8601 (UTC), compared as text.
 */
export interface MemberSpan {
  node: string;
  from: string;
  until: string | null;
}

/**
 * The objects a collection holds, before the reader's policy:
 * - `all`: every object; `local`: those created or imported here;
 * - `release`: those one release of this node chooses by its filter;
 * - `received`: those received in one peer's release (recorded as they arrive);
 * - `group`: those received in a release addressed to the group from a node that was a member
 *   when the release first reached this node (`senders`: the members' spans; a release from
 *   anyone else is left out whatever it says its audience is), and those this node's own
 *   releases to the group choose that the policy lets reach a member through a group.
 */
export type CollectionScope =
  | { kind: 'all' }
  | { kind: 'local' }
  | { kind: 'release'; release: ReleaseScope }
  | { kind: 'received'; from: string; release_id: string }
  | { kind: 'group'; group_id: string; releases: ReleaseScope[]; senders: MemberSpan[] };

type Eb = ExpressionBuilder<Database, 'intel_objects'>;
const none = sql<SqlBool>`1 = 0`;

function releaseWhere(eb: Eb, r: ReleaseScope): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  if (r.types) all.push(eb('type', 'in', r.types.length ? r.types : ['']));
  if (r.ids) all.push(eb('id', 'in', r.ids.length ? r.ids : ['']));
  if (r.new_local) all.push(eb('origin', '=', 'local'), eb('seq', '>', r.from_seq));
  return all.length ? eb.and(all) : sql<SqlBool>`1 = 1`;
}

function receivedWhere(eb: Eb, by: { from: string; release_id: string }): Expression<SqlBool> {
  const q = eb.selectFrom('intel_received_objects as ro').select('ro.object_id').whereRef('ro.object_id', '=', 'intel_objects.id').whereRef('ro.version', '=', 'intel_objects.version');
  return eb.exists(q.where('ro.from_node', '=', by.from).where('ro.release_id', '=', by.release_id));
}

/**
 * Received in a release addressed to the group whose sender was a member when the release
 * first reached this node (its first message's arrival, `first_at`).
 */
function receivedFromMembersWhere(eb: Eb, groupId: string, senders: MemberSpan[]): Expression<SqlBool> {
  if (senders.length === 0) return none;
  const q = eb
    .selectFrom('intel_received_objects as ro')
    .innerJoin('intel_received_releases as rr', (j) => j.onRef('rr.from_node', '=', 'ro.from_node').onRef('rr.release_id', '=', 'ro.release_id'))
    .select('ro.object_id')
    .whereRef('ro.object_id', '=', 'intel_objects.id')
    .whereRef('ro.version', '=', 'intel_objects.version')
    .where('ro.group_id', '=', groupId)
    .where((x) => x.or(senders.map((m) => x.and([x('rr.from_node', '=', m.node), x('rr.first_at', '>=', m.from), ...(m.until === null ? [] : [x('rr.first_at', '<', m.until)])]))));
  return eb.exists(q);
}

/** The WHERE clause of a collection's scope (the reader's policy is applied beside it). */
export function scopeWhere(scope: CollectionScope) {
  return (eb: Eb): Expression<SqlBool> => {
    switch (scope.kind) {
      case 'all':
        return sql<SqlBool>`1 = 1`;
      case 'local':
        return eb('origin', '=', 'local');
      case 'release':
        return releaseWhere(eb, scope.release);
      case 'received':
        return receivedWhere(eb, scope);
      case 'group': {
        // What this node released to the group is what may reach a member through a group.
        const throughGroup = policyWhere({ kind: 'peer', named: false }, DEFAULT_POLICY)(eb);
        const any = [receivedFromMembersWhere(eb, scope.group_id, scope.senders), ...scope.releases.map((r) => eb.and([releaseWhere(eb, r), throughGroup]))];
        return any.length ? eb.or(any) : none;
      }
    }
  };
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

/** The rows of a page's filter after `from`, before the columns, order and limit are chosen. */
function pageWhere(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: TaxiiFilter, from: number | Expression<number>) {
  const versions = f.versions ?? ['last'];
  let q = db.selectFrom('intel_objects').where('seq', '>', from).where(policyWhere(audience, options));
  if (f.ids?.length) q = q.where('id', 'in', f.ids);
  if (f.types?.length) q = q.where('type', 'in', f.types);
  if (f.specVersions?.length) q = q.where('spec_version', 'in', f.specVersions);
  if (f.scope && f.scope.kind !== 'all') q = q.where(scopeWhere(f.scope));
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
  return q;
}

/** Where a page starts: after `next`, and after the first seq added after `added_after`; null when nothing can follow. */
async function pageStart(db: DbOrTrx, f: TaxiiFilter): Promise<number | null> {
  let from = f.after ?? 0;
  if (f.addedAfter !== undefined) {
    const first = await firstSeqAddedAfter(db, f.addedAfter);
    if (first === null) return null;
    from = Math.max(from, first - 1);
  }
  return from;
}

/** One page of objects (or manifest rows) the audience may see, in seq order; `limit + 1` rows tell whether there are more. */
export async function taxiiPage(db: DbOrTrx, audience: Audience, options: PolicyOptions, f: TaxiiFilter): Promise<TaxiiRow[]> {
  const from = await pageStart(db, f);
  if (from === null) return [];
  const rows = await pageWhere(db, audience, options, f, from).select(['seq', 'id', 'version', 'date_added', 'spec_version', 'object']).orderBy('seq').limit(f.limit + 1).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** A page of objects as one JSON text: the stored texts joined by the database, in seq order. */
export interface TaxiiObjectsPage {
  /** Objects on the page (at most the limit). */
  count: number;
  /** `objects` members, comma-separated; empty when none. */
  objects: string;
  more: boolean;
  /** The last object's seq (the next page's cursor). */
  lastSeq: number;
  firstAdded: string | null;
  lastAdded: string | null;
}

/**
 * The objects of a page, joined into one text by the database: a hundred rows of several
 * columns each cost more to hand over and turn into values than the query costs to run, and
 * the answer only repeats the stored texts. The page's last seq and first and last date_added
 * come with it, and whether a row the reader may see follows the last one.
 */
export async function taxiiObjectsPage(store: StoreHandle, audience: Audience, options: PolicyOptions, f: TaxiiFilter): Promise<TaxiiObjectsPage> {
  const empty = { count: 0, objects: '', more: false, lastSeq: 0, firstAdded: null, lastAdded: null };
  const from = await pageStart(store.db, f);
  if (from === null) return empty;
  const q = objectsPageQuery(store.db, store.dialect, audience, options, f);
  const parameters = q.parameters.slice();
  parameters[q.fromAt] = from;
  const read = <R>(cq: CompiledQuery) => (preparable(f) ? store.preparedRead<R>(cq) : store.db.executeQuery<R>(cq).then((r) => r.rows));
  const rows = await read<{ n: number | string; last_seq: number | string | null; first_added: string | null; last_added: string | null; objects: string | null; more: number | string | null }>({ ...q.query, parameters });
  const r = rows[0];
  const n = Number(r?.n ?? 0);
  if (!r || n === 0) return empty;
  return { count: n, objects: r.objects ?? '', more: r.more !== null, lastSeq: Number(r.last_seq), firstAdded: r.first_added, lastAdded: r.last_added };
}

/** At most this many entries in a reader's match lists, together, for a page to be prepared. */
export const PREPARED_MATCH_ENTRIES = 3;

/**
 * Whether a page's query is prepared (planned once per connection). The lengths of the
 * reader's match lists shape its text, and PostgreSQL keeps every named statement for the
 * life of the connection: short lists (a type or two, the usual filter of a TAXII client)
 * make a few dozen texts at most; longer ones are planned each time.
 */
export function preparable(f: TaxiiFilter): boolean {
  const exact = (f.versions ?? []).filter((v) => v !== 'last' && v !== 'first').length;
  return (f.ids?.length ?? 0) + (f.types?.length ?? 0) + (f.specVersions?.length ?? 0) + exact <= PREPARED_MATCH_ENTRIES;
}

/** Stands for the page's start in a compiled query, whose parameter it becomes per request. */
const FROM = -0.5;
const compiledPages = new WeakMap<PolicyOptions, Map<string, { query: CompiledQuery; parameters: readonly unknown[]; fromAt: number }>>();

/**
 * The objects page's query, compiled once per shape (audience, policy, filter, scope and
 * limit) with the start as a parameter: building and compiling it with the query builder
 * costs more than SQLite takes to run it.
 */
function objectsPageQuery(db: DbOrTrx, dialect: Dialect, audience: Audience, options: PolicyOptions, f: TaxiiFilter) {
  let cache = compiledPages.get(options);
  if (!cache) compiledPages.set(options, (cache = new Map()));
  const key = JSON.stringify([dialect, audience, f.limit, f.ids, f.types, f.specVersions, f.versions, f.scope]);
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // The page's rows, joined; then whether any row follows the last one (a window numbering
  // the rows instead would cost SQLite a temporary table per page).
  const rows = pageWhere(db, audience, options, f, FROM).select(['seq', 'date_added', 'object']).orderBy('seq').limit(f.limit);
  // Both join in the order rows come from the subquery, which reads them in seq order: an
  // ORDER BY inside the aggregate would sort the hundred texts again (PostgreSQL 15 does not
  // see they come sorted; SQLite copies them into a temporary b-tree). The order of a sorted
  // subquery's rows holds for a plain aggregate on both; the paging test checks it on both.
  const joined = dialect === 'postgres' ? sql<string | null>`string_agg(p.object, ',')` : sql<string | null>`group_concat(p.object, ',')`;
  const page = db.selectFrom(rows.as('p')).select([
    sql<number | string>`count(*)`.as('n'),
    sql<number | string | null>`max(p.seq)`.as('last_seq'),
    // date_added never goes back as seq grows: the least and the greatest are the first and the last.
    sql<string | null>`min(p.date_added)`.as('first_added'),
    sql<string | null>`max(p.date_added)`.as('last_added'),
    joined.as('objects'),
  ]);
  const query = db
    .selectFrom(page.as('x'))
    .select(['x.n', 'x.last_seq', 'x.first_added', 'x.last_added', 'x.objects'])
    // The next row's seq, not EXISTS: PostgreSQL drops the order and limit inside an EXISTS and
    // may then scan the whole table for a row past the end.
    .select(() => sql<number | string | null>`(${pageWhere(db, audience, options, f, sql.ref<number>('x.last_seq')).select('seq').orderBy('seq').limit(1)})`.as('more'))
    .compile();
  const fromAt = query.parameters.indexOf(FROM);
  if (fromAt < 0 || query.parameters.lastIndexOf(FROM) !== fromAt) throw new Error('the page query does not take its start once');
  hit = { query, parameters: query.parameters, fromAt };
  if (cache.size >= 200) cache.delete(cache.keys().next().value!);
  cache.set(key, hit);
  return hit;
}
