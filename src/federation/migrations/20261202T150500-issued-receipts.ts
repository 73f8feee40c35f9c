import type { Kysely } from 'kysely';

/**
 * The signed receipts this node issued for batches that stored messages of a type that keeps
 * them (a case's events): one row per such batch, the receipt as it was sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('issued_receipts')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('receipt', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('issued_receipts').execute();
}
