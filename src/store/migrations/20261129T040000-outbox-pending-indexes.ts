import { sql, type Kysely } from 'kysely';

/**
 * The outbox's pending messages get partial indexes, which hold only what is still to be sent:
 * delivery reads them in release order without walking the delivered history, settling a
 * message takes it out of the index instead of adding an entry, and the (rare) pending key
 * rotation is found without reading every pending row. Queries spell the conditions as in
 * the indexes (outbox.conditions.ts). The type is written out, not imported: a migration
 * must not change when the code does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX outbox_pending_seq_idx ON outbox (peer_id, seq) WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX outbox_pending_rotation_idx ON outbox (peer_id, seq) WHERE state = 'pending' AND type = 'federation.key_rotation/v1'`.execute(db);
  await db.schema.dropIndex('outbox_pending_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('outbox_pending_idx').on('outbox').columns(['peer_id', 'state', 'seq']).execute();
  await db.schema.dropIndex('outbox_pending_rotation_idx').execute();
  await db.schema.dropIndex('outbox_pending_seq_idx').execute();
}
