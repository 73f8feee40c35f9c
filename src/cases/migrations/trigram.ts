import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL: a GIN trigram index (pg_trgm) on `table.column`, which the planner uses for
 * `LIKE '%word%'`. Creates the extension in `public` when it is missing, so that every node's
 * schema on the server shares it. Without it (a server without contrib, or a user who may not
 * create it) nothing is created and searches scan, correctly but slowly. Migrations run in a
 * transaction: a savepoint keeps a refusal from aborting it, and a lock keeps two nodes
 * migrating at once from both creating the extension.
 */
export async function createTrigramIndex(db: Kysely<unknown>, index: string, table: string, column: string): Promise<void> {
  await sql`SAVEPOINT ${sql.id(`${index}_sp`)}`.execute(db);
  try {
    const installed = async () => (await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db)).rows[0]?.schema;
    let schema = await installed();
    if (!schema) {
      await sql`SELECT pg_advisory_xact_lock(hashtext('accord:pg_trgm'))`.execute(db);
      schema = await installed();
      if (!schema) await sql`CREATE EXTENSION pg_trgm WITH SCHEMA public`.execute(db);
      schema ??= 'public';
    }
    await sql`CREATE INDEX ${sql.id(index)} ON ${sql.id(table)} USING gin (${sql.id(column)} ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
    await sql`RELEASE SAVEPOINT ${sql.id(`${index}_sp`)}`.execute(db);
  } catch {
    await sql`ROLLBACK TO SAVEPOINT ${sql.id(`${index}_sp`)}`.execute(db);
  }
}
