import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Dialect, type StoreHandle } from '../../src/store/db.js';

/** Both databases run in every storage test: the embedded default and the production one. */
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export const PG_URL = process.env.ACCORD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh place for one test's data: a temp folder, and on PostgreSQL a schema of its own. */
export interface TestDbTarget {
  dialect: Dialect;
  dataDir: string;
  db?: string;
  dbSchema?: string;
  cleanup(): Promise<void>;
}

/** Removes a test's PostgreSQL schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export function newTestDbTarget(dialect: Dialect): TestDbTarget {
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-test-'));
  const nodeDir = join(dataDir, 'node');
  if (dialect === 'sqlite') {
    return { dialect, dataDir: nodeDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const dbSchema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return {
    dialect,
    dataDir: nodeDir,
    db: PG_URL,
    dbSchema,
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await dropSchema(dbSchema);
    },
  };
}

/** An empty store with no migrations run (for migration tests): SQLite in memory, or a PostgreSQL schema of its own; `drop` closes it and removes the schema. */
export async function openEmptyStore(dialect: Dialect): Promise<StoreHandle & { drop(): Promise<void> }> {
  const schema = `t_bare_${randomBytes(4).toString('hex')}`;
  const store = await openStore(dialect === 'sqlite' ? { url: ':memory:' } : { url: PG_URL, schema });
  return {
    ...store,
    drop: async () => {
      await store.close();
      if (dialect === 'postgres') await dropSchema(schema);
    },
  };
}
