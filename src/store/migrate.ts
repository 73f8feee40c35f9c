import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './db.js';

/** Migrations come from an explicit map (the composition root gathers them) so they work bundled and from the CLI alike. */
class StaticProvider implements MigrationProvider {
  constructor(private migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/** True when every known migration is recorded as applied (the usual case on every start). */
async function isCurrent(db: Db, migrations: Record<string, Migration>): Promise<boolean> {
  try {
    const r = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(r.rows.map((x) => x.name));
    return Object.keys(migrations).every((m) => applied.has(m));
  } catch {
    return false;
  }
}

/**
 * Applies pending migrations. With a PostgreSQL schema, Kysely's bookkeeping tables live in
 * it too (not in another schema's). A node already at the latest version skips Kysely's
 * migrator, whose introspection reads every schema of the database: on a server shared by
 * many nodes a schema or table dropped meanwhile by another node makes that read fail
 * ("schema … does not exist", "relation other.table does not exist"), so it is retried.
 */
export async function migrateToLatest(db: Db, migrations: Record<string, Migration>, schema?: string): Promise<string[]> {
  if (await isCurrent(db, migrations)) return [];
  const migrator = new Migrator({ db, provider: new StaticProvider(migrations), ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (attempt >= 5 || !isRaceWithOtherSchema(error, schema)) throw error instanceof Error ? error : new Error(String(error));
  }
}

/** A missing schema (3F000) or relation (42P01) that is not this node's own: another schema was dropped during introspection. */
export function isRaceWithOtherSchema(error: unknown, schema?: string): boolean {
  const code = (error as { code?: string }).code;
  if (code !== '3F000' && code !== '42P01') return false;
  const message = String((error as Error).message);
  if (!schema) return code === '3F000' || /relation "[^".]+\.[^"]+"/.test(message);
  return !message.includes(`"${schema}"`) && !message.includes(`"${schema}.`);
}
