import type { Kysely } from 'kysely';

/** Regional plans of interaction: their signed event log, its equivocations, and the history relayed to new members. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plan_events')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_events_pk', ['author', 'event_id'])
    .execute();
  await db.schema.createIndex('plan_events_group_idx').on('plan_events').columns(['group_id', 'created_at', 'event_id']).execute();
  await db.schema.createIndex('plan_events_plan_idx').on('plan_events').columns(['plan_id', 'created_at', 'event_id']).execute();
  await db.schema
    .createTable('plan_event_equivocations')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_event_equivocations_pk', ['author', 'event_id', 'digest'])
    .execute();
  await db.schema.createIndex('plan_event_equivocations_group_idx').on('plan_event_equivocations').columns(['group_id', 'received_at']).execute();
  await db.schema
    .createTable('plan_relays')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('relayed_at', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_relays_pk', ['group_id', 'node', 'proposal_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_relays').execute();
  await db.schema.dropTable('plan_event_equivocations').execute();
  await db.schema.dropTable('plan_events').execute();
}
