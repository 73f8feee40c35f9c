import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * SQLite: the object store keyed by its rowid. `seq bigint primary key` is not a rowid alias,
 * so SQLite kept the rows in a b-tree of their own plus a second b-tree for seq; with
 * `seq INTEGER PRIMARY KEY` the rows are ordered by seq itself (every insert appends, and a
 * page by seq reads the table directly). The incoming-links index becomes WITHOUT ROWID for the
 * same reason: its primary key is all it holds. Rows are copied in seq order, so seq, date_added
 * and the TAXII paging they carry are kept as they were.
 *
 * PostgreSQL keeps its tables as they are: a heap with a bigint primary key has no such
 * second copy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`
    CREATE TABLE intel_objects_next (
      seq INTEGER PRIMARY KEY,
      id text NOT NULL,
      version text NOT NULL,
      type text NOT NULL,
      spec_version text NOT NULL,
      latest integer NOT NULL,
      revoked integer NOT NULL DEFAULT 0,
      tlp text,
      origin text NOT NULL,
      source text NOT NULL,
      date_added text NOT NULL,
      search_text text NOT NULL,
      object text NOT NULL,
      CONSTRAINT intel_objects_id_version_uq UNIQUE (id, version)
    )`.execute(db);
  await sql`
    INSERT INTO intel_objects_next (seq, id, version, type, spec_version, latest, revoked, tlp, origin, source, date_added, search_text, object)
    SELECT seq, id, version, type, spec_version, latest, revoked, tlp, origin, source, date_added, search_text, object FROM intel_objects ORDER BY seq`.execute(db);
  await sql`DROP TABLE intel_objects`.execute(db);
  await sql`ALTER TABLE intel_objects_next RENAME TO intel_objects`.execute(db);
  await sql`CREATE INDEX intel_objects_latest_idx ON intel_objects (seq) WHERE latest = 1`.execute(db);
  await sql`CREATE INDEX intel_objects_type_idx ON intel_objects (type, seq) WHERE latest = 1`.execute(db);

  await sql`
    CREATE TABLE intel_links_next (
      target_id text NOT NULL,
      object_id text NOT NULL,
      version text NOT NULL,
      CONSTRAINT intel_links_pk PRIMARY KEY (target_id, object_id, version)
    ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO intel_links_next (target_id, object_id, version) SELECT target_id, object_id, version FROM intel_links`.execute(db);
  await sql`DROP TABLE intel_links`.execute(db);
  await sql`ALTER TABLE intel_links_next RENAME TO intel_links`.execute(db);
}

/** Nothing to undo: the tables hold the same columns and rows either way. */
export async function down(): Promise<void> {}

