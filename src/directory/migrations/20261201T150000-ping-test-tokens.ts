import { sql, type Kysely } from 'kysely';

/**
 * One confirmation link per contact asked: escalation adds a token instead of replacing the
 * earlier one, so every contact's link works until the test's deadline.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ping_test_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('test_id', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ping_test_tokens_test_idx').on('ping_test_tokens').column('test_id').execute();
  // The link sent last for each test keeps working.
  await sql`INSERT INTO ping_test_tokens (token_hash, test_id, level, created_at)
    SELECT token_hash, id, escalation_level, started_at FROM ping_tests WHERE token_hash IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ping_test_tokens').execute();
}
