import { sql, type Kysely, type Selectable } from 'kysely';
import type { DbOrTrx, Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { kindsOf, searchTextOf } from './directory.rules.js';
import type { DirectoryEntry } from './directory.schemas.js';
import type { DirectoryEntriesTable } from './directory.tables.js';

export type EntryRow = Selectable<DirectoryEntriesTable>;

/**
 * `directory_entries.signed_by` (migration 20261129T020000-directory-search): the fingerprint
 * of the key that signed the envelope an entry came in, kept beside the envelope so that a
 * search need not read and parse it. Declared here for the queries of this file.
 */
type SignerColumn = { directory_entries: { signed_by: string | null } };
const withSigner = (db: DbOrTrx) => (db as Kysely<Database>).withTables<SignerColumn>();

/** The signer of a stored envelope (`sig.key`), or null. */
function signerOf(envelope: string | null): string | null {
  if (!envelope) return null;
  const key = (JSON.parse(envelope) as { sig?: { key?: unknown } }).sig?.key;
  return typeof key === 'string' ? key : null;
}

/** Keeps `entry` if it is newer than what is stored for its node (versions only grow). */
export async function storeEntry(db: DbOrTrx, entry: DirectoryEntry, opts: { envelope: string | null; isOwn: boolean }): Promise<boolean> {
  const current = await db.selectFrom('directory_entries').select('version').where('node_id', '=', entry.node_id).executeTakeFirst();
  if (current && Number(current.version) >= entry.version) return false;
  const row = {
    version: entry.version,
    country: entry.country,
    kinds: kindsOf(entry),
    search_text: searchTextOf(entry),
    entry: JSON.stringify(entry),
    envelope: opts.envelope,
    signed_by: signerOf(opts.envelope),
    published_at: entry.published_at,
    valid_until: entry.valid_until,
    received_at: new Date().toISOString(),
    is_own: opts.isOwn ? 1 : 0,
  };
  const w = withSigner(db);
  if (current) await w.updateTable('directory_entries').set(row).where('node_id', '=', entry.node_id).execute();
  else await w.insertInto('directory_entries').values({ node_id: entry.node_id, ...row }).execute();
  return true;
}

export function findEntryRow(db: DbOrTrx, nodeId: string): Promise<EntryRow | undefined> {
  return db.selectFrom('directory_entries').selectAll().where('node_id', '=', nodeId).executeTakeFirst();
}

export interface EntryFilter {
  /** Already normalised with normaliseForSearch. */
  text?: string;
  country?: string;
  kind?: string;
  nodeIds?: string[];
}

/** The rows that match `f`, in answer order (country, then node). */
function matching(db: DbOrTrx, f: EntryFilter) {
  let q = withSigner(db).selectFrom('directory_entries');
  if (f.country) q = q.where('country', '=', f.country);
  if (f.kind) q = q.where('kinds', 'like', `%,${f.kind},%`);
  // LIKE with escaped wildcards: the text is user input.
  if (f.text) q = q.where(sql<boolean>`search_text like ${`%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  if (f.nodeIds) q = q.where('node_id', 'in', f.nodeIds.length ? f.nodeIds : ['']);
  return q.orderBy('country').orderBy('node_id');
}

export function searchEntryRows(db: DbOrTrx, f: EntryFilter): Promise<EntryRow[]> {
  return matching(db, f).selectAll().execute();
}

/** What a search answer needs of a row: the entry as its stored UTF-8 bytes, its dates and signer. */
export interface EntryJsonRow {
  entry: Buffer;
  is_own: number;
  published_at: string;
  valid_until: string;
  received_at: string;
  signed_by: string | null;
}

/**
 * The rows that match `f`, without the search text and the envelope, with each entry as the
 * UTF-8 bytes a search answer copies as they are: SQLite hands them over as a BLOB, PostgreSQL
 * as bytea (`convert_to`; hex on the wire, decoded natively). Read as text, entries with names in
 * Cyrillic, Arabic or Chinese become two-byte JavaScript strings: building an answer of 17 of
 * them as one string passes V8's 128 KB "large object" size, and its allocation and encoding
 * cost milliseconds per search; even encoded one by one, text from PostgreSQL gave a p99 of
 * 26 ms for such a search against 13 ms as bytea (bench/directory.js, one client).
 */
export function searchEntryJsonRows(db: DbOrTrx, dialect: Dialect, f: EntryFilter): Promise<EntryJsonRow[]> {
  const entry = dialect === 'postgres' ? sql<Buffer>`convert_to(entry, 'UTF8')` : sql<Buffer>`cast(entry as blob)`;
  return matching(db, f).select([entry.as('entry'), 'is_own', 'published_at', 'valid_until', 'received_at', 'signed_by']).execute();
}
