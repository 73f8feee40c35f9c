import { Migrator, sql, type DatabaseIntrospector, type Migration, type MigrationProvider, type TableMetadata } from 'kysely';
import { isSqlite, type Db } from './db.js';

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
 * Kysely's migrator asks the introspector only whether its own two tables exist, but
 * PostgreSQL's introspector reads every column of every table in every schema, calling
 * `pg_get_serial_sequence` on each. On a server shared by many nodes, a table another node
 * drops between the catalog read and that call fails the whole migration ("column … of
 * relation … does not exist"). This introspector lists the tables of the node's own schema
 * (the first on its search path when none is named) and nothing else.
 */
export function ownSchemaIntrospector(db: Db, schema?: string): DatabaseIntrospector {
  const ownSchema = schema ? sql`${schema}` : sql`current_schema()`;
  const getTables = async (): Promise<TableMetadata[]> => {
    const r = await sql<{ name: string; schema: string; is_view: boolean }>`
      select table_name as name, table_schema as schema, table_type = 'VIEW' as is_view
      from information_schema.tables where table_schema = ${ownSchema}`.execute(db);
    return r.rows.map((t) => ({ name: t.name, schema: t.schema, isView: t.is_view, columns: [] }));
  };
  return {
    getSchemas: () => db.introspection.getSchemas(),
    getTables,
    getMetadata: async () => ({ tables: await getTables() }),
  };
}

/** The database as the migrator sees it: the same, but introspecting the node's own schema alone on PostgreSQL. */
function migratorView(db: Db, schema?: string): Db {
  if (isSqlite(db)) return db;
  const introspection = ownSchemaIntrospector(db, schema);
  return new Proxy(db, {
    get(target, key) {
      if (key === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, key, target);
      // Kysely's methods use private fields, so they must run on the real instance.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Applies pending migrations. With a PostgreSQL schema, Kysely's bookkeeping tables live in
 * it too (not in another schema's). A node already at the latest version skips Kysely's
 * migrator. The migrator looks only at the node's own schema (`ownSchemaIntrospector`), but
 * listing schemas still reads them all, so a schema dropped meanwhile by another node
 * ("schema … does not exist", "relation other.table does not exist") is retried.
 */
export async function migrateToLatest(db: Db, migrations: Record<string, Migration>, schema?: string): Promise<string[]> {
  if (await isCurrent(db, migrations)) return [];
  const migrator = new Migrator({ db: migratorView(db, schema), provider: new StaticProvider(migrations), ...(schema ? { migrationTableSchema: schema } : {}) });
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
