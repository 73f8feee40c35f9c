import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StoreHandle } from '../../src/store/db.js';
import { migrateToLatest, ownSchemaIntrospector } from '../../src/store/migrate.js';
import { dropSchema, PG_URL } from '../_util/db.js';

const widgets: Record<string, Migration> = {
  '0001-widgets': {
    up: async (db: Kysely<unknown>) => {
      await db.schema.createTable('widgets').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('size', 'integer').execute();
    },
  },
};

const opened: { store: StoreHandle; schema: string }[] = [];

async function schemaStore(): Promise<{ store: StoreHandle; schema: string }> {
  const schema = `t_mig_${randomBytes(4).toString('hex')}`;
  const s = { store: await openStore({ url: PG_URL, schema }), schema };
  opened.push(s);
  return s;
}

afterAll(async () => {
  for (const { store, schema } of opened) {
    await store.close();
    await dropSchema(schema);
  }
});

/**
 * Many nodes share one PostgreSQL server, each in a schema of its own, and they come and go
 * while others migrate. A node's migration must not read, and so must not trip over, the
 * tables of schemas that are not its own.
 */
describe('migrating one schema of a shared PostgreSQL server', () => {
  it('the migrator sees the tables of its own schema alone', async () => {
    const other = await schemaStore();
    await migrateToLatest(other.store.db, widgets, other.schema);
    const mine = await schemaStore();

    const everything = await mine.store.db.introspection.getTables();
    expect(everything.some((t) => t.schema === other.schema && t.name === 'widgets')).toBe(true);
    expect(await ownSchemaIntrospector(mine.store.db, mine.schema).getTables()).toEqual([]);

    expect(await migrateToLatest(mine.store.db, widgets, mine.schema)).toEqual(['0001-widgets']);
    const own = await ownSchemaIntrospector(mine.store.db, mine.schema).getTables();
    expect(own.map((t) => t.name).sort()).toEqual(['kysely_migration', 'kysely_migration_lock', 'widgets']);
    expect(own.every((t) => t.schema === mine.schema && !t.isView)).toBe(true);
  });

  it('without a schema named, the migrator looks at the first schema of the search path', async () => {
    const mine = await schemaStore();
    await sql`create view gadgets as select 1 as id`.execute(mine.store.db);
    const own = await ownSchemaIntrospector(mine.store.db).getTables();
    expect(own).toEqual([{ name: 'gadgets', schema: mine.schema, isView: true, columns: [] }]);
  });

  it('migrates while other schemas create and drop their tables all the time', async () => {
    // Another node's churn: tables with many columns appear and vanish in a schema of its own.
    const churn = await schemaStore();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    let stop = false;
    const columns = Array.from({ length: 40 }, (_, i) => `c${i} integer`).join(', ');
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        await client.query(`create table ${churn.schema}.churn_${i % 4} (${columns})`);
        await client.query(`drop table ${churn.schema}.churn_${i % 4}`);
      }
    })();
    try {
      for (let n = 0; n < 15; n++) {
        const mine = await schemaStore();
        expect(await migrateToLatest(mine.store.db, widgets, mine.schema)).toEqual(['0001-widgets']);
      }
    } finally {
      stop = true;
      await churning;
      await client.end();
    }
  });
});
