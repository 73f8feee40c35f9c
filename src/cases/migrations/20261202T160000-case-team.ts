import type { Kysely } from 'kysely';

/** A case's team: this node's users assigned to work it (local, never federated). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_assignments')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_assignments_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema.createIndex('case_assignments_user_idx').on('case_assignments').columns(['user_id', 'case_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_assignments').execute();
}
