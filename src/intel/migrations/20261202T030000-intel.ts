import { sql, type Kysely } from 'kysely';

/** Threat intelligence: the STIX object store (every version) and bundle imports. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intel_objects')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('spec_version', 'text', (c) => c.notNull())
    .addColumn('latest', 'integer', (c) => c.notNull())
    .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tlp', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('date_added', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addUniqueConstraint('intel_objects_id_version_uq', ['id', 'version'])
    .execute();
  // Lists read the newest versions only. No index on date_added: it never goes back as seq
  // grows, so a time is found by a binary search over seq (every index costs each insert).
  await sql`CREATE INDEX intel_objects_latest_idx ON intel_objects (seq) WHERE latest = 1`.execute(db);
  await sql`CREATE INDEX intel_objects_type_idx ON intel_objects (type, seq) WHERE latest = 1`.execute(db);

  await db.schema
    .createTable('intel_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_total', 'bigint')
    .addColumn('objects_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refusals', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('error', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intel_imports').execute();
  await db.schema.dropTable('intel_objects').execute();
}
