import type { Kysely } from 'kysely';

/**
 * Answers of a peer during an evidence transfer that contradict what was agreed (a receipt
 * naming another hash, a chunk other than the offer's, a chunk that does not exist): each is
 * recorded here once, so that the audit log holds it once however often it is sent again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evidence_peer_lies')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('evidence_peer_lies').execute();
}
