import type { Kysely } from 'kysely';

/** The signed event log of groups (proposals, consents, refusals); group state is folded from it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('group_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('proposal_id', 'text')
    .addColumn('kind', 'text')
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('group_events_group_idx').on('group_events').columns(['group_id', 'created_at', 'event_id']).execute();
  await db.schema.createIndex('group_events_kind_idx').on('group_events').columns(['kind', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_events').execute();
}
