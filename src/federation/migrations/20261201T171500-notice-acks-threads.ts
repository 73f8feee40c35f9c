import type { Kysely } from 'kysely';

/**
 * Sent notices are kept (until now only the outbox held them), acknowledgements travel both
 * ways, and a reply names the notice it answers: `sent_notices`, `notice_acks`, `notice_threads`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sent_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_node', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('sent_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sent_notices_issued').on('sent_notices').columns(['issued_at', 'id']).execute();

  await db.schema
    .createTable('notice_acks')
    .addColumn('notice_id', 'text', (c) => c.primaryKey())
    .addColumn('acknowledged_by', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addColumn('user_ref', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notice_threads')
    .addColumn('notice_id', 'text', (c) => c.primaryKey())
    .addColumn('in_reply_to', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_threads_thread').on('notice_threads').column('thread_id').execute();
  await db.schema.createIndex('notice_threads_reply').on('notice_threads').column('in_reply_to').execute();
  // Received notices are listed newest first.
  await db.schema.createIndex('notices_received').on('notices').columns(['received_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('notices_received').execute();
  for (const t of ['notice_threads', 'notice_acks', 'sent_notices']) await db.schema.dropTable(t).execute();
}
