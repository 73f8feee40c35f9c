import type { Kysely } from 'kysely';

/** TAXII 2.1 status resources: the outcome of each add of objects to a collection, kept across restarts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intel_taxii_status')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('request_timestamp', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('success_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failure_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('successes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('failures', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('import_id', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intel_taxii_status').execute();
}
