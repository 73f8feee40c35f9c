import { afterEach, describe, expect, it } from 'vitest';
import { insertRows, sqliteInsert } from '../../src/store/insert-rows.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

const noticeTypes = { id: 'text', from_node: 'text', subject: 'text', text: 'text', issued_at: 'text', received_at: 'text' } as const;
const notice = (id: string, text: string) => ({ id, from_node: 'peer-x', subject: `s ${id}`, text, issued_at: '2026-11-29T00:00:00.000Z', received_at: '2026-11-29T00:00:01.000Z' });
const inboxTypes = { id: 'text', from_node: 'text', seq: 'integer', type: 'text', envelope: 'text', digest: 'text', received_at: 'text', batch_id: 'text' } as const;

describe.each(DIALECTS)('inserting many rows (%s)', (dialect) => {
  let node: TestNode;
  afterEach(() => node?.close());

  it('stores every value exactly, whatever characters it holds', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    // Characters that array literals and SQL quote or escape.
    const texts = ['plain', 'a "quoted" {braced}, comma', 'back\\slash \\"', "it's", 'NULL', '', 'Кириллица ✓ \u{1F600}', '{"json":[1,2]}', 'line\nbreak\ttab'];
    const rows = texts.map((t, i) => notice(`n-${i}`, t));
    expect((await insertRows(db, 'notices', noticeTypes, rows)).sort()).toEqual(rows.map((r) => r.id).sort());
    const back = await db.selectFrom('notices').selectAll().orderBy('id').execute();
    expect(back).toEqual([...rows].sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('keeps nulls and numbers, and skips rows that exist already when told to', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    const row = (id: string, seq: number | null) => ({ id, from_node: 'peer-x', seq, type: 't', envelope: '{}', digest: 'd', received_at: 'r', batch_id: 'b' });
    expect((await insertRows(db, 'inbox', inboxTypes, [row('m-1', 1), row('m-2', null)], { skipConflictsOn: 'id' })).sort()).toEqual(['m-1', 'm-2']);
    expect(await insertRows(db, 'inbox', inboxTypes, [row('m-2', 7), row('m-3', 3)], { skipConflictsOn: 'id' })).toEqual(['m-3']);
    const back = await db.selectFrom('inbox').select(['id', 'seq']).orderBy('id').execute();
    expect(back.map((r) => [r.id, r.seq === null ? null : Number(r.seq)])).toEqual([['m-1', 1], ['m-2', null], ['m-3', 3]]);
  });

  it('inserts more rows than one statement may carry, and nothing when given nothing', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    const rows = Array.from({ length: 1234 }, (_, i) => notice(`n-${String(i).padStart(4, '0')}`, `text ${i}`));
    expect(await insertRows(db, 'notices', noticeTypes, rows)).toHaveLength(1234);
    expect(await insertRows(db, 'notices', noticeTypes, [])).toEqual([]);
    const n = await db.selectFrom('notices').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1234);
  });

  it('fails as a whole on a duplicate when not told to skip it', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    await insertRows(db, 'notices', noticeTypes, [notice('n-1', 'a')]);
    await expect(db.transaction().execute((trx) => insertRows(trx, 'notices', noticeTypes, [notice('n-2', 'b'), notice('n-1', 'c')]))).rejects.toThrow();
    const back = await db.selectFrom('notices').select('id').execute();
    expect(back.map((r) => r.id)).toEqual(['n-1']);
  });
});

describe('SQLite inserts from statement texts kept per shape', () => {
  let node: TestNode;
  afterEach(() => node?.close());

  it('leaves a column no row gives to its default, gives null where one row lacks a value, and returns only the rows inserted', async () => {
    node = await createTestNode('sqlite');
    const { db } = node.ctx.store;
    const returned = await sqliteInsert<{ name: string }>(db, 'jobs', ['name', 'next_run_at', 'claimed_by', 'runs'], [{ name: 'a', next_run_at: 't1', claimed_by: 'x' }, { name: 'b', next_run_at: 't2' }], { conflict: ['name'], returning: ['name'] });
    expect(returned.map((r) => r.name)).toEqual(['a', 'b']);
    // The same shape again: one row held already, one new (the text for two rows is reused).
    const again = await sqliteInsert<{ name: string }>(db, 'jobs', ['name', 'next_run_at'], [{ name: 'b', next_run_at: 't9' }, { name: 'c', next_run_at: 't3' }], { conflict: ['name'], returning: ['name'] });
    expect(again.map((r) => r.name)).toEqual(['c']);
    const back = await db.selectFrom('jobs').select(['name', 'next_run_at', 'claimed_by', 'runs', 'failures']).where('name', 'in', ['a', 'b', 'c']).orderBy('name').execute();
    expect(back).toEqual([
      { name: 'a', next_run_at: 't1', claimed_by: 'x', runs: 0, failures: 0 },
      { name: 'b', next_run_at: 't2', claimed_by: null, runs: 0, failures: 0 },
      { name: 'c', next_run_at: 't3', claimed_by: null, runs: 0, failures: 0 },
    ]);
  });

  it('refuses a duplicate without a conflict clause, and splits many rows across statements', async () => {
    node = await createTestNode('sqlite');
    const { db } = node.ctx.store;
    const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `job-${i}`, next_run_at: 't', claimed_by: null, claimed_until: null, last_started_at: null, last_finished_at: null, last_error: null }));
    expect(await sqliteInsert(db, 'jobs', Object.keys(rows[0]!), rows, { returning: [] })).toEqual([]);
    await expect(sqliteInsert(db, 'jobs', ['name', 'next_run_at'], [{ name: 'job-1', next_run_at: 't' }], { returning: [] })).rejects.toThrow(/UNIQUE/);
    const n = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'like', 'job-%').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1000);
  });
});
