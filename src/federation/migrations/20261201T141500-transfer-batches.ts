import type { Kysely } from 'kysely';

/**
 * The batches this node wrote to transfer files, with the ids of their messages: a receipt
 * carried back settles only a batch listed here, and only the messages it held.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transfer_batches')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('message_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
