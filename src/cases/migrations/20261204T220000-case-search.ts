import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { createSearchIndex } from './20261201T200000-cases.js';
import { createTrigramIndex } from './trigram.js';

/**
 * The case list's search text moves out of the list row into `case_search`, written once when a
 * case opens: the text is the request's, which no later event changes, while the row is
 * rewritten after every event. In the row, every rewrite copied the text again (about 700
 * characters) and, on PostgreSQL, indexed it again in the trigram index (the update changes
 * indexed sort columns, so it is never a HOT update).
 *
 * The trigram index follows the text: on PostgreSQL a GIN index on `case_search.search_text`;
 * on SQLite the FTS5 table `case_search_fts` over `case_search` (external content), kept in step
 * by triggers and filled from the rows moved.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('case_search')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .execute();
  await sql`INSERT INTO case_search (case_id, search_text) SELECT case_id, search_text FROM cases`.execute(db);
  if (pg) {
    await sql`DROP INDEX IF EXISTS cases_search_trgm_idx`.execute(db);
    await createTrigramIndex(db, 'case_search_trgm_idx', 'case_search', 'search_text');
  } else {
    for (const t of ['cases_search_insert', 'cases_search_delete', 'cases_search_update']) await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}`.execute(db);
    await sql`DROP TABLE IF EXISTS cases_search`.execute(db);
    await sql`CREATE VIRTUAL TABLE case_search_fts USING fts5(search_text, content='case_search', content_rowid='rowid', tokenize='trigram', detail='none')`.execute(db);
    await sql`CREATE TRIGGER case_search_fts_insert AFTER INSERT ON case_search BEGIN
      INSERT INTO case_search_fts (rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db);
    await sql`CREATE TRIGGER case_search_fts_delete AFTER DELETE ON case_search BEGIN
      INSERT INTO case_search_fts (case_search_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END`.execute(db);
    await sql`CREATE TRIGGER case_search_fts_update AFTER UPDATE OF search_text ON case_search BEGIN
      INSERT INTO case_search_fts (case_search_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
      INSERT INTO case_search_fts (rowid, search_text) VALUES (new.rowid, new.search_text); END`.execute(db);
    await sql`INSERT INTO case_search_fts (case_search_fts) VALUES ('rebuild')`.execute(db);
  }
  await db.schema.alterTable('cases').dropColumn('search_text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('cases').addColumn('search_text', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`UPDATE cases SET search_text = (SELECT s.search_text FROM case_search s WHERE s.case_id = cases.case_id) WHERE EXISTS (SELECT 1 FROM case_search s WHERE s.case_id = cases.case_id)`.execute(db);
  if (!pg) {
    for (const t of ['case_search_fts_insert', 'case_search_fts_delete', 'case_search_fts_update']) await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}`.execute(db);
    await sql`DROP TABLE IF EXISTS case_search_fts`.execute(db);
  }
  await db.schema.dropTable('case_search').execute();
  await createSearchIndex(db);
  if (!pg) await sql`INSERT INTO cases_search (cases_search) VALUES ('rebuild')`.execute(db);
}
