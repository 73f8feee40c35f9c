import type { Kysely } from 'kysely';

/** Cases: the signed event log, its equivocations, the list's projection and local drafts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_events')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_events_pk', ['author', 'event_id'])
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'created_at', 'event_id']).execute();

  await db.schema
    .createTable('case_event_equivocations')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_event_equivocations_pk', ['author', 'event_id', 'digest'])
    .execute();
  await db.schema.createIndex('case_event_equivocations_case_idx').on('case_event_equivocations').columns(['case_id']).execute();

  await db.schema
    .createTable('cases')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('offences', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('ack_due', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('executed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('preservation_until', 'text')
    .addColumn('target_date', 'text')
    .addColumn('next_due', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('refusal_grounds', 'text')
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('ignored_events', 'integer', (c) => c.notNull())
    .execute();
  // The list sorts by one of these, newest first, usually after filtering by status or peer.
  await db.schema.createIndex('cases_updated_idx').on('cases').columns(['updated_at', 'case_id']).execute();
  await db.schema.createIndex('cases_opened_idx').on('cases').columns(['opened_at', 'case_id']).execute();
  await db.schema.createIndex('cases_next_due_idx').on('cases').columns(['next_due', 'case_id']).execute();
  await db.schema.createIndex('cases_status_idx').on('cases').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('cases_peer_idx').on('cases').columns(['peer', 'updated_at']).execute();
  await db.schema.createIndex('cases_type_idx').on('cases').columns(['type', 'updated_at']).execute();

  await db.schema
    .createTable('case_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requested', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('review_requested_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('case_id', 'text')
    .execute();
  await db.schema
    .createTable('case_reminders')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('reminder', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_reminders_pk', ['case_id', 'reminder'])
    .execute();
  await db.schema.createIndex('case_drafts_status_idx').on('case_drafts').columns(['status', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['case_reminders', 'case_drafts', 'cases', 'case_event_equivocations', 'case_events']) await db.schema.dropTable(t).execute();
}
