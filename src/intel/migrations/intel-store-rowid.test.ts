import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openEmptyStore } from '../../../test/_util/db.js';
import type { StoreHandle } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import * as intel from './20261202T030000-intel.js';
import * as links from './20261202T160000-intel-links.js';
import * as rowid from './20261202T190000-intel-store-rowid.js';
import * as receivedRowid from './20261202T220000-intel-received-rowid.js';

const T = '2026-12-01T00:00:00.000Z';
const object = (seq: number, id: string, version: string, latest: number) => ({ seq, id, version, type: 'relationship', spec_version: '2.1', latest, revoked: 0, tlp: 'green' as const, origin: 'local' as const, source: 'import:x', date_added: T, search_text: '', object: JSON.stringify({ id, type: 'relationship', modified: version, target_ref: 'malware--m' }) });

describe.each(DIALECTS)('the object store keyed by seq: the migration (%s)', (dialect) => {
  let store: StoreHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    store = await openEmptyStore(dialect);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('keeps every object, its seq and its links; (id, version) stays unique and seq the rowid on SQLite', async () => {
    const db = store.db as unknown as Kysely<Database>;
    const raw = store.db as unknown as Kysely<unknown>;
    await intel.up(raw);
    await db.insertInto('intel_objects').values([object(5, 'relationship--a', '2026-01-01T00:00:00.000Z', 0), object(9, 'relationship--a', '2026-02-01T00:00:00.000Z', 1), object(7, 'relationship--b', '2026-01-01T00:00:00.000Z', 1)]).execute();
    await links.up(raw);
    await rowid.up(raw);
    const rows = await db.selectFrom('intel_objects').select(['seq', 'id', 'version', 'latest']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.id, r.latest])).toEqual([
      [5, 'relationship--a', 0],
      [7, 'relationship--b', 1],
      [9, 'relationship--a', 1],
    ]);
    expect((await db.selectFrom('intel_links').selectAll().orderBy('object_id').orderBy('version').execute()).length).toBe(3);
    await expect(db.insertInto('intel_objects').values(object(10, 'relationship--b', '2026-01-01T00:00:00.000Z', 0)).execute()).rejects.toThrow();
    await expect(db.insertInto('intel_objects').values(object(7, 'relationship--c', '2026-01-01T00:00:00.000Z', 1)).execute()).rejects.toThrow();
    await db.insertInto('intel_links').values({ target_id: 'malware--m', object_id: 'relationship--b', version: '2026-01-01T00:00:00.000Z' }).onConflict((oc) => oc.doNothing()).execute();
    expect((await db.selectFrom('intel_links').selectAll().execute()).length).toBe(3);
    // The latest-versions list still reads its partial index.
    expect((await db.selectFrom('intel_objects').select('id').where('latest', '=', 1).orderBy('seq', 'desc').execute()).map((r) => r.id)).toEqual(['relationship--a', 'relationship--b']);
    if (dialect === 'sqlite') {
      const ddl = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'intel_objects'`.execute(raw)).rows[0]!.sql;
      expect(ddl).toMatch(/seq INTEGER PRIMARY KEY/);
      const plan = (await sql<{ detail: string }>`explain query plan select * from intel_objects where seq > 6 order by seq limit 1`.execute(raw)).rows.map((r) => r.detail).join(' ');
      expect(plan).toMatch(/USING INTEGER PRIMARY KEY/);
      const linksDdl = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'intel_links'`.execute(raw)).rows[0]!.sql;
      expect(linksDdl).toMatch(/WITHOUT ROWID/);
      expect((await sql<{ name: string }>`select name from sqlite_master where tbl_name = 'intel_objects' and type = 'index' and name not like 'sqlite_autoindex%' order by name`.execute(raw)).rows.map((r) => r.name)).toEqual(['intel_objects_latest_idx', 'intel_objects_type_idx']);
    }
  });

  it('keeps every received-object row and its lookups; WITHOUT ROWID on SQLite', async () => {
    const db = store.db as unknown as Kysely<Database>;
    const raw = store.db as unknown as Kysely<unknown>;
    const row = (release: string, group: string | null, id: string) => ({ from_node: 'kz-cert', release_id: release, group_id: group, object_id: id, version: '2026-01-01T00:00:00.000Z' });
    await db.insertInto('intel_received_objects').values([row('r1', null, 'indicator--a'), row('r2', 'g1', 'indicator--a'), row('r2', 'g1', 'malware--b')]).execute();
    await receivedRowid.up(raw);
    const rows = await db.selectFrom('intel_received_objects').selectAll().orderBy('release_id').orderBy('object_id').execute();
    expect(rows).toEqual([row('r1', null, 'indicator--a'), row('r2', 'g1', 'indicator--a'), row('r2', 'g1', 'malware--b')]);
    // The primary key still refuses a second copy; `on conflict do nothing` skips it.
    await expect(db.insertInto('intel_received_objects').values(row('r1', null, 'indicator--a')).execute()).rejects.toThrow();
    await db.insertInto('intel_received_objects').values(row('r1', null, 'indicator--a')).onConflict((oc) => oc.doNothing()).execute();
    expect((await db.selectFrom('intel_received_objects').select('object_id').where('group_id', '=', 'g1').orderBy('object_id').execute()).map((r) => r.object_id)).toEqual(['indicator--a', 'malware--b']);
    if (dialect === 'sqlite') {
      const ddl = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'intel_received_objects'`.execute(raw)).rows[0]!.sql;
      expect(ddl).toMatch(/WITHOUT ROWID/);
      expect((await sql<{ name: string }>`select name from sqlite_master where tbl_name = 'intel_received_objects' and type = 'index' and name not like 'sqlite_autoindex%' order by name`.execute(raw)).rows.map((r) => r.name)).toEqual(['intel_received_objects_group_idx', 'intel_received_objects_object_idx']);
    }
  });
});
