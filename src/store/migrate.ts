import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './db.js';
import { migrations } from './migrations/index.js';

/** Migrations come from an explicit map so they work bundled and from the CLI alike. */
class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** With a PostgreSQL schema, Kysely's bookkeeping tables live in it too (not in another schema's). */
export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
