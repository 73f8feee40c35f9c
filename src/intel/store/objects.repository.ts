import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { isSqlite, type DbOrTrx, transactionLock } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { copyRows } from '../../store/copy-rows.js';
import type { ColumnTypes } from '../../store/insert-rows.js';
import type { IntelObjectsTable } from '../intel.tables.js';
import type { IntelLinksTable, IntelReceivedObjectsTable } from './links.tables.js';

/** An object ready to store: validated, its version and marking read. */
export interface PreparedObject {
  id: string;
  version: string;
  type: string;
  spec_version: string;
  revoked: boolean;
  tlp: IntelObjectsTable['tlp'];
  search_text: string;
  /** The object's JSON as it will be served. */
  json: string;
  /** A relationship's `target_ref` or a sighting's `sighting_of_ref`, read when prepared (else read from `json`). */
  link_target?: string;
}

export interface StoreOutcome {
  stored: number;
  /** Already held: the same id and version (from an earlier import or earlier in this batch). */
  duplicates: number;
}

const TYPES: ColumnTypes<'intel_objects'> = {
  seq: 'bigint',
  id: 'text',
  version: 'text',
  type: 'text',
  spec_version: 'text',
  latest: 'integer',
  revoked: 'integer',
  tlp: 'text',
  origin: 'text',
  source: 'text',
  date_added: 'text',
  search_text: 'text',
  object: 'text',
};

/**
 * Serialises writers of the store: on PostgreSQL a transaction-scoped advisory lock (SQLite
 * transactions begin immediate and are serial already). Under it seq and date_added only grow,
 * so commit order is seq order.
 */
async function takeStoreTurn(trx: DbOrTrx): Promise<void> {
  await transactionLock(trx, 'intel.objects');
}

const COLUMNS = Object.keys(TYPES) as (keyof typeof TYPES)[];
type Row = Record<(typeof COLUMNS)[number], string | number | null>;

/** Ids per lookup of the versions held (SQLite: one parameter each). */
const IDS_PER_LOOKUP = 500;

/**
 * SQLite: one prepared single-row insert per row, on the connection beneath the transaction
 * (better-sqlite3 caches statements by text, see store/db.ts). Not multi-row: a statement that
 * changes several rows and may fail half-way makes SQLite keep a statement journal of every
 * page it touches (measured: 190,000 extra page writes per 100,000 objects, in a temp file);
 * one row per statement needs none.
 */
function insertObjectsSqlite(raw: BetterSqlite3.Database, rows: readonly Row[]): void {
  const stmt = raw.prepare(`insert into intel_objects (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
  const k = COLUMNS.length;
  const params: (string | number | null)[] = new Array(k);
  for (const row of rows) {
    for (let c = 0; c < k; c++) params[c] = row[COLUMNS[c]!];
    stmt.run(params);
  }
}

function insertLinksSqlite(raw: BetterSqlite3.Database, links: readonly IntelLinksTable[]): void {
  if (links.length === 0) return;
  const stmt = raw.prepare('insert into intel_links (target_id, object_id, version) values (?, ?, ?) on conflict do nothing');
  for (const l of links) stmt.run(l.target_id, l.object_id, l.version);
}

interface HeldRow {
  id: string;
  version: string;
  latest: number;
}

/**
 * `intel_objects.id` is one of these ids. PostgreSQL takes them as one array parameter: a list
 * of hundreds of parameters is estimated from default selectivities while a bulk load has left
 * the statistics behind, and was planned as a sequential scan of the whole store (34 ms per 500
 * ids at 100,000 objects, growing with the store); an array is estimated per element and read
 * through the (id, version) index. SQLite has no arrays and plans from its indexes alone.
 */
export function idIn(trx: DbOrTrx, ids: readonly string[]): (eb: ExpressionBuilder<Database, 'intel_objects'>) => Expression<SqlBool> {
  return isSqlite(trx) ? (eb) => eb('intel_objects.id', 'in', ids) : () => sql<SqlBool>`intel_objects.id = any(${ids}::text[])`;
}

/**
 * PostgreSQL, for the rest of the caller's transaction: no sequential scan where an index can
 * answer (on), or back to the server's setting (off); nothing on SQLite, which plans from its
 * indexes alone. Not restored on failure: a statement
 * that fails ends its transaction, and the setting with it.
 */
export async function indexedLookups(trx: DbOrTrx, on: boolean): Promise<void> {
  if (isSqlite(trx)) return;
  await (on ? sql`set local enable_seqscan = off` : sql`set local enable_seqscan to default`).execute(trx);
}

/** The versions held of these ids (see idIn). */
async function heldVersions(trx: DbOrTrx, ids: readonly string[], raw?: BetterSqlite3.Database): Promise<HeldRow[]> {
  if (!raw) return trx.selectFrom('intel_objects').select(['id', 'version', 'latest']).where(idIn(trx, ids)).execute();
  const out: HeldRow[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
    const chunk = ids.slice(i, i + IDS_PER_LOOKUP);
    for (const r of raw.prepare(`select id, version, latest from intel_objects where id in (${chunk.map(() => '?').join(', ')})`).all(chunk) as HeldRow[]) out.push(r);
  }
  return out;
}

/**
 * Stores a batch in one transaction (the caller's): versions already held are skipped, each
 * id's newest version becomes its `latest`. Idempotent: storing the same batch again stores
 * nothing. `raw`: the SQLite connection beneath `trx`, for the fast insert path.
 */
export async function storeObjects(trx: DbOrTrx, batch: readonly PreparedObject[], origin: 'local' | 'received', source: string, now: Date, raw?: BetterSqlite3.Database): Promise<StoreOutcome> {
  if (batch.length === 0) return { stored: 0, duplicates: 0 };
  await takeStoreTurn(trx);
  const sqliteRaw = raw && isSqlite(trx) ? raw : undefined;
  const ids = [...new Set(batch.map((o) => o.id))];
  // PostgreSQL: the lookups by id below read the (id, version) index, whatever the statistics
  // say. A store whose statistics were never gathered (a first import, autovacuum not yet run
  // or off) is estimated from default selectivities that a list of a few dozen ids already
  // makes "every row": each batch then read the whole store (measured: a million objects
  // imported at 19,000/s, the database's time mostly in sequential scans; see indexedLookups).
  await indexedLookups(trx, true);
  const held = new Map<string, Set<string>>();
  const newestHeld = new Map<string, string>();
  for (const r of await heldVersions(trx, ids, sqliteRaw)) {
    let s = held.get(r.id);
    if (!s) held.set(r.id, (s = new Set()));
    s.add(r.version);
    if (Number(r.latest) === 1) newestHeld.set(r.id, r.version);
  }
  const fresh: PreparedObject[] = [];
  for (const o of batch) {
    let s = held.get(o.id);
    if (!s) held.set(o.id, (s = new Set()));
    if (s.has(o.version)) continue;
    s.add(o.version);
    fresh.push(o);
  }
  if (fresh.length === 0) {
    await indexedLookups(trx, false);
    return { stored: 0, duplicates: batch.length };
  }

  // The newest version of each id after this batch.
  const newest = new Map(newestHeld);
  for (const o of fresh) {
    const cur = newest.get(o.id);
    if (cur === undefined || o.version > cur) newest.set(o.id, o.version);
  }
  const superseded = [...newestHeld].filter(([id, v]) => newest.get(id) !== v).map(([id]) => id);
  for (let i = 0; i < superseded.length; i += 500) {
    await trx
      .updateTable('intel_objects')
      .set({ latest: 0 })
      .where('latest', '=', 1)
      .where('id', 'in', superseded.slice(i, i + 500))
      .execute();
  }

  await indexedLookups(trx, false);

  const last = sqliteRaw
    ? (sqliteRaw.prepare('select seq, date_added from intel_objects order by seq desc limit 1').get() as { seq: number; date_added: string } | undefined)
    : await trx.selectFrom('intel_objects').select(['seq', 'date_added']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = last ? Number(last.seq) : 0;
  const nowIso = now.toISOString();
  const dateAdded = last && last.date_added > nowIso ? last.date_added : nowIso;
  const rows = fresh.map((o) => ({
      seq: ++seq,
      id: o.id,
      version: o.version,
      type: o.type,
      spec_version: o.spec_version,
      latest: newest.get(o.id) === o.version ? 1 : 0,
      revoked: o.revoked ? 1 : 0,
      tlp: o.tlp,
      origin,
      source,
      date_added: dateAdded,
      search_text: o.search_text,
      object: o.json,
  }));
  if (sqliteRaw) {
    insertObjectsSqlite(sqliteRaw, rows);
    insertLinksSqlite(sqliteRaw, linksOf(fresh));
  } else {
    // Every row is new (held versions were left out above, under the store's lock).
    await copyRows(trx, 'intel_objects', COLUMNS, rows);
    await insertLinks(trx, linksOf(fresh));
  }
  return { stored: fresh.length, duplicates: batch.length - fresh.length };
}

/** The incoming links of these objects: each relationship's `target_ref`, each sighting's `sighting_of_ref`. */
function linksOf(objects: readonly PreparedObject[]): IntelLinksTable[] {
  const out: IntelLinksTable[] = [];
  for (const o of objects) {
    if (o.type !== 'relationship' && o.type !== 'sighting') continue;
    if (o.link_target !== undefined) {
      out.push({ target_id: o.link_target, object_id: o.id, version: o.version });
      continue;
    }
    const parsed = JSON.parse(o.json) as { target_ref?: unknown; sighting_of_ref?: unknown };
    const target = o.type === 'relationship' ? parsed.target_ref : parsed.sighting_of_ref;
    if (typeof target === 'string') out.push({ target_id: target, object_id: o.id, version: o.version });
  }
  return out;
}

const LINK_COLUMNS = ['target_id', 'object_id', 'version'] as const;

/** Rows per insert of the side indexes (a few parameters each). */
const SIDE_CHUNK = 400;

/**
 * PostgreSQL: the rows of a side index travel as one JSON parameter that the server turns back
 * into rows, in one statement (see store/insert-rows.ts: a multi-row VALUES statement with
 * thousands of parameters costs PostgreSQL about as much to parse as to insert).
 */
async function insertSideRowsPg(trx: DbOrTrx, table: 'intel_links' | 'intel_received_objects', columns: readonly string[], rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const shape = sql.join(columns.map((c) => sql`${sql.ref(c)} text`));
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(table)} (${cols}) select ${cols} from json_to_recordset(${JSON.stringify(rows)}::json) as r(${shape}) on conflict do nothing`.execute(trx);
}

/**
 * Links of versions just stored. They are new on PostgreSQL too (a link exists only while the
 * version it comes from is held, see deleteObjectVersions), so they are copied in.
 */
async function insertLinks(trx: DbOrTrx, links: IntelLinksTable[]): Promise<void> {
  if (!isSqlite(trx)) return copyRows(trx, 'intel_links', LINK_COLUMNS, links as unknown as Record<(typeof LINK_COLUMNS)[number], string>[]);
  for (let i = 0; i < links.length; i += SIDE_CHUNK) {
    await trx.insertInto('intel_links').values(links.slice(i, i + SIDE_CHUNK)).onConflict((oc) => oc.doNothing()).execute();
  }
}

/**
 * Records that these object versions came in a peer's release (stored now or already held),
 * in the caller's transaction: the TAXII collections of received releases and of groups read it.
 */
export async function recordReceived(
  trx: DbOrTrx,
  from: string,
  releaseId: string,
  groupId: string | null,
  objects: readonly Pick<PreparedObject, 'id' | 'version'>[],
  raw?: BetterSqlite3.Database,
): Promise<void> {
  if (objects.length === 0) return;
  if (raw && isSqlite(trx)) {
    // One prepared single-row insert per row (see insertObjectsSqlite: no statement journal).
    const stmt = raw.prepare('insert into intel_received_objects (from_node, release_id, group_id, object_id, version) values (?, ?, ?, ?, ?) on conflict do nothing');
    for (const o of objects) stmt.run(from, releaseId, groupId, o.id, o.version);
    return;
  }
  const rows: IntelReceivedObjectsTable[] = objects.map((o) => ({ from_node: from, release_id: releaseId, group_id: groupId, object_id: o.id, version: o.version }));
  if (!isSqlite(trx)) return insertSideRowsPg(trx, 'intel_received_objects', ['from_node', 'release_id', 'group_id', 'object_id', 'version'], rows);
  for (let i = 0; i < rows.length; i += SIDE_CHUNK) {
    await trx.insertInto('intel_received_objects').values(rows.slice(i, i + SIDE_CHUNK)).onConflict((oc) => oc.doNothing()).execute();
  }
}

/**
 * Deletes versions of one object (all, or those named) of one origin, under the store's write
 * lock, and makes the newest version left its `latest`. Returns how many were deleted.
 */
export async function deleteObjectVersions(trx: DbOrTrx, id: string, origin: 'local' | 'received', versions?: readonly string[]): Promise<number> {
  await takeStoreTurn(trx);
  let q = trx.deleteFrom('intel_objects').where('id', '=', id).where('origin', '=', origin);
  if (versions?.length) q = q.where('version', 'in', versions);
  const deleted = Number((await q.executeTakeFirst()).numDeletedRows);
  if (deleted === 0) return 0;
  // Links from versions no longer held (a link's source is one version of this id).
  await trx
    .deleteFrom('intel_links')
    .where('object_id', '=', id)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('intel_objects').select('seq').where('intel_objects.id', '=', id).whereRef('intel_objects.version', '=', 'intel_links.version'))))
    .execute();
  const newest = await trx.selectFrom('intel_objects').select((eb) => eb.fn.max('version').as('v')).where('id', '=', id).executeTakeFirst();
  if (newest?.v !== null && newest?.v !== undefined) {
    await trx.updateTable('intel_objects').set({ latest: 1 }).where('id', '=', id).where('version', '=', newest.v).where('latest', '=', 0).execute();
  }
  return deleted;
}
