import type { Kysely } from 'kysely';

/** National implementation reports on the norms: drafts, published versions, deliveries, comments. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('norms_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('review_note', 'text')
    .addColumn('published_version', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('norms_versions')
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('statuses', 'text', (c) => c.notNull())
    .addColumn('is_latest', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text')
    .addColumn('is_own', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('norms_versions_pk', ['node_id', 'version'])
    .execute();
  await db.schema.createIndex('norms_versions_latest_idx').on('norms_versions').columns(['is_latest', 'country', 'node_id']).execute();
  await db.schema
    .createTable('norms_deliveries')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('peer', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('norms_deliveries_pk', ['version', 'peer'])
    .execute();
  await db.schema
    .createTable('norms_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('report_node', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('norm', 'text')
    .addColumn('author_node', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('norms_comments_report_idx').on('norms_comments').columns(['report_node', 'version']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('norms_comments').execute();
  await db.schema.dropTable('norms_deliveries').execute();
  await db.schema.dropTable('norms_versions').execute();
  await db.schema.dropTable('norms_drafts').execute();
}
