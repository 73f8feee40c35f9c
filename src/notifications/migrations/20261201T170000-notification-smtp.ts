import type { Kysely } from 'kysely';

/** The mail server an administrator sets in the web app (one row; ACCORD_SMTP_URL takes precedence). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notification_smtp')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('security', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('password', 'text')
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_smtp').execute();
}
