import type { Kysely } from 'kysely';

/** Keys a peer has retired, with the moment each stopped being valid (key rotation). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('peers').addColumn('retired_keys', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('peers').dropColumn('retired_keys').execute();
}
