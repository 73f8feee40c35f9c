import { sql, type Selectable } from 'kysely';
import type { DbOrTrx } from '../store/db.js';
import { kindsOf, searchTextOf } from './directory.rules.js';
import type { DirectoryEntry } from './directory.schemas.js';
import type { DirectoryEntriesTable } from './directory.tables.js';

export type EntryRow = Selectable<DirectoryEntriesTable>;

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
    published_at: entry.published_at,
    valid_until: entry.valid_until,
    received_at: new Date().toISOString(),
    is_own: opts.isOwn ? 1 : 0,
  };
  if (current) await db.updateTable('directory_entries').set(row).where('node_id', '=', entry.node_id).execute();
  else await db.insertInto('directory_entries').values({ node_id: entry.node_id, ...row }).execute();
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

export function searchEntryRows(db: DbOrTrx, f: EntryFilter): Promise<EntryRow[]> {
  let q = db.selectFrom('directory_entries').selectAll();
  if (f.country) q = q.where('country', '=', f.country);
  if (f.kind) q = q.where('kinds', 'like', `%,${f.kind},%`);
  // LIKE with escaped wildcards: the text is user input.
  if (f.text) q = q.where(sql<boolean>`search_text like ${`%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  if (f.nodeIds) q = q.where('node_id', 'in', f.nodeIds.length ? f.nodeIds : ['']);
  return q.orderBy('country').orderBy('node_id').execute();
}
