import type { Kysely } from 'kysely';

/**
 * Releases of threat intelligence to peers and groups (the sender's side), and what arrived
 * from peers' releases (the receiver's side: order per release, messages held for a gap).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intel_releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('audience_kind', 'text', (c) => c.notNull())
    .addColumn('audience_id', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('stopped_by', 'text')
    .addColumn('stopped_at', 'text')
    .execute();

  await db.schema
    .createTable('intel_release_peers')
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('peer_id', 'text', (c) => c.notNull())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('next_rseq', 'integer', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('withheld', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intel_release_peers_pk', ['release_id', 'peer_id'])
    .execute();

  await db.schema
    .createTable('intel_received_releases')
    .addColumn('from_node', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('audience_kind', 'text', (c) => c.notNull())
    .addColumn('next_rseq', 'integer', (c) => c.notNull())
    .addColumn('objects', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stored', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intel_received_releases_pk', ['from_node', 'release_id'])
    .execute();

  await db.schema
    .createTable('intel_held_messages')
    .addColumn('from_node', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('rseq', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intel_held_messages_pk', ['from_node', 'release_id', 'rseq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['intel_held_messages', 'intel_received_releases', 'intel_release_peers', 'intel_releases']) await db.schema.dropTable(t).execute();
}
