import type { Kysely } from 'kysely';

/** The team rule looks up the authors of a case's request per case row: (case_id, created_by). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('case_drafts_case_idx').on('case_drafts').columns(['case_id', 'created_by']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_drafts_case_idx').execute();
}
