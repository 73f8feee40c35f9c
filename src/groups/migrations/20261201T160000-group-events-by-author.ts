import type { Kysely } from 'kysely';

/**
 * Group events are keyed by (author, event_id), not event_id alone: another node could reuse
 * an id and have the real event dropped as a duplicate. The table is rebuilt (SQLite cannot
 * change a primary key in place; the same steps serve PostgreSQL). A second body under a key
 * held already goes to group_event_equivocations as evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('group_events_v2')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('proposal_id', 'text')
    .addColumn('kind', 'text')
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_events_v2_pk', ['author', 'event_id'])
    .execute();
  const columns = ['event_id', 'group_id', 'type', 'author', 'created_at', 'proposal_id', 'kind', 'envelope', 'sig_key', 'received_at'] as const;
  const t = db as unknown as Kysely<Record<'group_events' | 'group_events_v2', Record<(typeof columns)[number], string | null>>>;
  await t
    .insertInto('group_events_v2')
    .columns([...columns])
    .expression(t.selectFrom('group_events').select([...columns]))
    .execute();
  await db.schema.dropTable('group_events').execute();
  await db.schema.alterTable('group_events_v2').renameTo('group_events').execute();
  await db.schema.createIndex('group_events_group_idx').on('group_events').columns(['group_id', 'created_at', 'event_id']).execute();
  await db.schema.createIndex('group_events_kind_idx').on('group_events').columns(['kind', 'created_at']).execute();

  await db.schema
    .createTable('group_event_equivocations')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_event_equivocations_pk', ['author', 'event_id', 'digest'])
    .execute();
  await db.schema.createIndex('group_event_equivocations_group_idx').on('group_event_equivocations').columns(['group_id', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_event_equivocations').execute();
  // Back to one row per event_id: of events sharing an id, the first stored stays.
  await db.schema
    .createTable('group_events_v1')
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
  const columns = ['event_id', 'group_id', 'type', 'author', 'created_at', 'proposal_id', 'kind', 'envelope', 'sig_key', 'received_at'] as const;
  const t = db as unknown as Kysely<Record<'group_events' | 'group_events_v1', Record<(typeof columns)[number], string | null>>>;
  const rows = await t.selectFrom('group_events').select([...columns]).orderBy('received_at').execute();
  for (const r of rows) {
    await t
      .insertInto('group_events_v1')
      .values(r)
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
  await db.schema.dropTable('group_events').execute();
  await db.schema.alterTable('group_events_v1').renameTo('group_events').execute();
  await db.schema.createIndex('group_events_group_idx').on('group_events').columns(['group_id', 'created_at', 'event_id']).execute();
  await db.schema.createIndex('group_events_kind_idx').on('group_events').columns(['kind', 'created_at']).execute();
}
