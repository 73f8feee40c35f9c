import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmptyStore } from '../../../test/_util/db.js';
import type { StoreHandle } from '../../store/db.js';
import * as intel from './20261202T030000-intel.js';
import * as links from './20261202T160000-intel-links.js';
import * as byteOrder from './20261203T100000-intel-byte-order.js';

const T = '2026-12-01T00:00:00.000Z';

describe('the store’s key columns in byte order: the migration (postgres)', () => {
  let store: StoreHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    store = await openEmptyStore('postgres');
  });
  afterAll(async () => {
    await store?.drop();
  });

  const collations = async (db: Kysely<unknown>) =>
    (await sql<{ table_name: string; column_name: string; collation_name: string | null }>`select table_name, column_name, collation_name from information_schema.columns where table_schema = current_schema() and table_name in ('intel_objects', 'intel_links', 'intel_received_objects') and column_name in ('id', 'version', 'type', 'target_id', 'object_id', 'from_node', 'release_id', 'group_id') order by table_name, column_name`.execute(db)).rows;

  it('compares ids, versions and types by bytes, keeps every row, and still finds them by their indexes', async () => {
    const db = store.db as unknown as Kysely<unknown>;
    await intel.up(db);
    await links.up(db);
    await sql`insert into intel_objects (seq, id, version, type, spec_version, latest, revoked, tlp, origin, source, date_added, search_text, object) values (1, 'indicator--b', ${T}, 'indicator', '2.1', 1, 0, 'green', 'local', 'import:x', ${T}, '', '{}'), (2, 'indicator--a', ${T}, 'indicator', '2.1', 1, 0, 'green', 'local', 'import:x', ${T}, '', '{}')`.execute(db);
    expect((await collations(db)).every((c) => c.collation_name === null)).toBe(true);
    await byteOrder.up(db);
    const after = await collations(db);
    expect(after).toHaveLength(11);
    expect(after.every((c) => c.collation_name === 'C')).toBe(true);
    expect((await sql<{ id: string }>`select id from intel_objects order by id`.execute(db)).rows.map((r) => r.id)).toEqual(['indicator--a', 'indicator--b']);
    await expect(sql`insert into intel_objects (seq, id, version, type, spec_version, latest, revoked, tlp, origin, source, date_added, search_text, object) values (3, 'indicator--a', ${T}, 'indicator', '2.1', 0, 0, null, 'local', 'import:x', ${T}, '', '{}')`.execute(db)).rejects.toThrow(/duplicate key/);
    await byteOrder.down(db);
    expect((await collations(db)).every((c) => c.collation_name === null)).toBe(true);
  });
});
