import type { Kysely } from 'kysely';

/** Signed chunk requests a peer made, kept for the replay window: each is answered once. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evidence_seen_requests')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_seen_requests_seen_idx').on('evidence_seen_requests').columns(['seen_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('evidence_seen_requests').execute();
}
