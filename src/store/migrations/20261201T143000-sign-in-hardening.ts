import { sql, type Kysely } from 'kysely';

/**
 * Sign-in hardening (issue 10): a TOTP secret being enrolled is kept apart from the active one
 * until it is confirmed; the last TOTP time step used, so a code is good once; failed sign-ins
 * for e-mails that name no usable account, counted like those of real accounts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_pending_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  // An enrolment under way (secret written, never confirmed) moves to the pending column.
  await sql`UPDATE users SET totp_pending_secret = totp_secret, totp_secret = NULL WHERE totp_enabled = 0 AND totp_secret IS NOT NULL`.execute(db);

  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
