import { CompiledQuery, PostgresAdapter, sql, type Insertable } from 'kysely';
import type { DbOrTrx } from './db.js';
import type { Database } from './schema.js';

/** The PostgreSQL type of each column, to read it back from the JSON the rows travel in. */
export type ColumnTypes<T extends keyof Database> = Record<keyof Insertable<Database[T]> & string, 'text' | 'integer' | 'bigint'>;

export interface InsertRowsOptions {
  /** Skip rows whose value in this (unique) column exists already. */
  skipConflictsOn?: string;
}

/**
 * Inserts many rows and returns the `id` of each row inserted. On PostgreSQL the rows travel
 * as one JSON parameter that the server turns back into rows: a multi-row VALUES statement
 * with thousands of parameters costs PostgreSQL about as much to parse as to insert (measured:
 * 56 against 23 µs of server CPU per inbox row), and JSON.stringify is cheaper for the node
 * than the driver's quoting of one array per column (11 against 18 µs per row). SQLite
 * prepares (and caches) VALUES statements cheaply.
 */
export async function insertRows<T extends keyof Database & string>(db: DbOrTrx, table: T, types: ColumnTypes<T>, rows: Insertable<Database[T]>[], opts: InsertRowsOptions = {}): Promise<string[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(types) as (keyof Insertable<Database[T]> & string)[];
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const shape = sql.join(columns.map((c) => sql`${sql.ref(c)} ${sql.raw(types[c])}`));
    const conflict = opts.skipConflictsOn ? sql`ON CONFLICT (${sql.ref(opts.skipConflictsOn)}) DO NOTHING` : sql``;
    const r = await sql<{ id: string }>`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(${shape}) ${conflict} RETURNING id`.execute(db);
    return r.rows.map((x) => x.id);
  }
  const rowsOut = await sqliteInsert<{ id: string }>(db, table, columns, rows as Record<string, unknown>[], { conflict: opts.skipConflictsOn ? [opts.skipConflictsOn] : undefined, returning: ['id'] });
  return rowsOut.map((r) => r.id);
}

/** Bind parameters per SQLite statement at most: rows × columns stays well under its limit. */
const SQLITE_PARAMS_PER_STATEMENT = 1600;

/**
 * SQLite: inserts rows with multi-row INSERT statements whose text is written once per table,
 * columns, number of rows and clauses, then reused (and prepared once, store/db.ts): building
 * the statement with the query builder for every call cost more than SQLite's own work for a
 * few rows. `conflict`: skip rows that conflict on these columns. Returns the `returning`
 * columns of the rows inserted.
 */
export async function sqliteInsert<R>(db: DbOrTrx, table: string, columns: readonly string[], rows: readonly Record<string, unknown>[], opts: { conflict?: readonly string[]; returning: readonly string[] }): Promise<R[]> {
  const out: R[] = [];
  const per = Math.max(1, Math.floor(SQLITE_PARAMS_PER_STATEMENT / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    // As the query builder does: a column no row gives a value leaves the table's default, and a
    // row without a value for a column another row gives gets null.
    const given = columns.filter((c) => part.some((row) => row[c] !== undefined));
    const r = await db.executeQuery<R>(CompiledQuery.raw(insertText(table, given, part.length, opts.conflict, opts.returning), part.flatMap((row) => given.map((c) => row[c] ?? null))));
    out.push(...r.rows);
  }
  return out;
}

const insertTexts = new Map<string, string>();
const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function insertText(table: string, columns: readonly string[], n: number, conflict: readonly string[] | undefined, returning: readonly string[]): string {
  const key = `${table}|${columns.join(',')}|${n}|${conflict?.join(',') ?? ''}|${returning.join(',')}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${Array.from({ length: n }, () => row).join(', ')}${conflict ? ` on conflict (${conflict.map(quoted).join(', ')}) do nothing` : ''}${returning.length ? ` returning ${returning.map(quoted).join(', ')}` : ''}`;
    // The keys come from code, a bounded set; the cap only guards against a mistake.
    if (insertTexts.size >= 2000) insertTexts.clear();
    insertTexts.set(key, text);
  }
  return text;
}
