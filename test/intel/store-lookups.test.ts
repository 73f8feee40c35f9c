import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeObjects, type PreparedObject } from '../../src/intel/store/objects.repository.js';
import { prepareObject } from '../../src/intel/store/prepare.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { indicator } from './_intel.js';

const prepared = (n: number, over: Record<string, unknown> = {}): PreparedObject[] => Array.from({ length: n }, () => prepareObject(indicator({ description: 'x'.repeat(400), ...over })));

/**
 * PostgreSQL plans a lookup of many ids from the store's statistics. A store whose statistics
 * were never gathered (a first import; autovacuum not yet run, or off) was read whole for
 * each batch: a million objects imported at 19,000/s instead of 31,000.
 */
describe('intel store lookups on PostgreSQL without statistics', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode('postgres');
  });
  afterAll(async () => {
    await node?.close();
  });

  /** Sequential scans of intel_objects counted by this connection and not yet reported (a difference of two tells what came between). */
  const seqScans = async (trx: Parameters<typeof storeObjects>[0]) =>
    Number((await sql<{ n: string }>`select coalesce(sum(seq_scan), 0) as n from pg_stat_xact_user_tables where relname = 'intel_objects' and schemaname = current_schema()`.execute(trx)).rows[0]!.n);

  it('finds the versions held of a batch through the (id, version) index, then plans as the server is set', async () => {
    const db = node.ctx.store.db;
    const never = await sql<{ n: string }>`select count(*) as n from pg_stat_user_tables where relname = 'intel_objects' and schemaname = current_schema() and (last_analyze is not null or last_autoanalyze is not null)`.execute(db);
    expect(Number(never.rows[0]!.n)).toBe(0);
    const first = prepared(3000);
    await db.transaction().execute((trx) => storeObjects(trx, first, 'local', 'test', new Date()));
    await db.transaction().execute(async (trx) => {
      // New ids, held ids, and a newer version of a held id: every path through the lookups.
      const again = [...prepared(600), ...first.slice(0, 200), prepareObject({ ...(JSON.parse(first[300]!.json) as object), modified: '2026-12-02T10:00:00.000Z' })];
      const before = await seqScans(trx);
      const out = await storeObjects(trx, again, 'local', 'test', new Date());
      expect(out).toEqual({ stored: 601, duplicates: 200 });
      expect((await seqScans(trx)) - before).toBe(0);
      // The rest of the caller's transaction plans as the server is set.
      expect((await sql<{ enable_seqscan: string }>`show enable_seqscan`.execute(trx)).rows[0]!.enable_seqscan).toBe('on');
    });
    const latest = await db.selectFrom('intel_objects').select(['version', 'latest']).where('id', '=', first[300]!.id).orderBy('version').execute();
    expect(latest.map((r) => Number(r.latest))).toEqual([0, 1]);
  });

  it('plans as the server is set after a batch that was held already', async () => {
    const db = node.ctx.store.db;
    const batch = prepared(50);
    await db.transaction().execute((trx) => storeObjects(trx, batch, 'local', 'test', new Date()));
    await db.transaction().execute(async (trx) => {
      expect(await storeObjects(trx, batch, 'local', 'test', new Date())).toEqual({ stored: 0, duplicates: 50 });
      expect((await sql<{ enable_seqscan: string }>`show enable_seqscan`.execute(trx)).rows[0]!.enable_seqscan).toBe('on');
    });
  });
});
