import type { Kysely } from 'kysely';

/** Scheduled ping tests, and the tag that ties each test a schedule started to it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ping_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('interval_days', 'integer', (c) => c.notNull())
    .addColumn('window_minutes', 'integer', (c) => c.notNull())
    .addColumn('next_run_at', 'text', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ping_schedules_next_run_idx').on('ping_schedules').column('next_run_at').execute();
  await db.schema.alterTable('ping_tests').addColumn('schedule_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ping_tests').dropColumn('schedule_id').execute();
  await db.schema.dropTable('ping_schedules').execute();
}
