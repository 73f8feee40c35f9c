import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * SQLite: the record of objects received in peers' releases becomes WITHOUT ROWID, as the
 * incoming-links index did (20261202T190000): its primary key is all it holds, so a rowid
 * table kept every row twice (the table and the key's index), and each object a peer sends
 * cost one b-tree insert more than needed. Its two lookup indexes are made again on the new
 * table. PostgreSQL keeps the table as it is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`
    CREATE TABLE intel_received_objects_next (
      from_node text NOT NULL,
      release_id text NOT NULL,
      group_id text,
      object_id text NOT NULL,
      version text NOT NULL,
      CONSTRAINT intel_received_objects_pk PRIMARY KEY (from_node, release_id, object_id, version)
    ) WITHOUT ROWID`.execute(db);
  await sql`
    INSERT INTO intel_received_objects_next (from_node, release_id, group_id, object_id, version)
    SELECT from_node, release_id, group_id, object_id, version FROM intel_received_objects`.execute(db);
  await sql`DROP TABLE intel_received_objects`.execute(db);
  await sql`ALTER TABLE intel_received_objects_next RENAME TO intel_received_objects`.execute(db);
  await sql`CREATE INDEX intel_received_objects_group_idx ON intel_received_objects (group_id, object_id, version)`.execute(db);
  await sql`CREATE INDEX intel_received_objects_object_idx ON intel_received_objects (object_id, version)`.execute(db);
}

/** Nothing to undo: the table holds the same columns and rows either way. */
export async function down(): Promise<void> {}
