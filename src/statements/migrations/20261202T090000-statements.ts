import type { Kysely } from 'kysely';

/** Joint statements and agreements: their signed event log, its equivocations, and the history relayed to new members. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('statement_events')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('statement_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_events_pk', ['author', 'event_id'])
    .execute();
  await db.schema.createIndex('statement_events_group_idx').on('statement_events').columns(['group_id', 'created_at', 'event_id']).execute();
  await db.schema.createIndex('statement_events_statement_idx').on('statement_events').columns(['statement_id', 'created_at', 'event_id']).execute();
  await db.schema
    .createTable('statement_event_equivocations')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_event_equivocations_pk', ['author', 'event_id', 'digest'])
    .execute();
  await db.schema.createIndex('statement_event_equivocations_group_idx').on('statement_event_equivocations').columns(['group_id', 'received_at']).execute();
  await db.schema
    .createTable('statement_relays')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('relayed_at', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('statement_relays_pk', ['group_id', 'node', 'proposal_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('statement_relays').execute();
  await db.schema.dropTable('statement_event_equivocations').execute();
  await db.schema.dropTable('statement_events').execute();
}
