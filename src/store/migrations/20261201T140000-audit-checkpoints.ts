import type { Kysely } from 'kysely';

/** Signed checkpoints of the audit chain: the node's own, and those it witnessed for its peers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('sig', 'text', (c) => c.notNull())
    .addColumn('head_after', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_witnessed')
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('sig_key', 'text', (c) => c.notNull())
    .addColumn('sig', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('conflict', 'text')
    .addColumn('conflict_at', 'text')
    .addPrimaryKeyConstraint('audit_witnessed_pk', ['node_id', 'seq'])
    .execute();
}
