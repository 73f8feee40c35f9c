import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { copyRows, copyText } from '../../src/store/copy-rows.js';
import { createTestNode, type TestNode } from '../_util/node.js';

const notice = (id: string, text: string) => ({ id, from_node: 'peer-x', subject: `s ${id}`, text, issued_at: '2026-11-29T00:00:00.000Z', received_at: '2026-11-29T00:00:01.000Z' });
const COLUMNS = ['id', 'from_node', 'subject', 'text', 'issued_at', 'received_at'] as const;

describe('COPY text format', () => {
  it('escapes the four characters COPY reads specially, and writes null as \\N', () => {
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('\\N')).toBe('\\\\N');
    expect(copyText(null)).toBe('\\N');
    expect(copyText(42)).toBe('42');
    expect(copyText('Кириллица "quoted", {braced}')).toBe('Кириллица "quoted", {braced}');
  });
});

describe('bulk loading by COPY (postgres)', () => {
  let node: TestNode;
  afterEach(() => node?.close());

  it('stores every value exactly, whatever characters it holds, in the caller’s transaction', async () => {
    node = await createTestNode('postgres');
    const { db } = node.ctx.store;
    const texts = ['plain', 'tab\there', 'line\nbreak', 'cr\rlf\r\n', 'back\\slash \\N \\t', '\\N', 'NULL', '', 'Кириллица ✓ \u{1F600}', '{"json":["a\\"b"]}'];
    const rows = texts.map((t, i) => notice(`n-${String(i).padStart(2, '0')}`, t));
    await db.transaction().execute((trx) => copyRows(trx, 'notices', COLUMNS, rows));
    const back = await db.selectFrom('notices').selectAll().orderBy('id').execute();
    expect(back).toEqual(rows);
  });

  it('keeps nulls as nulls', async () => {
    node = await createTestNode('postgres');
    const { db } = node.ctx.store;
    await db.transaction().execute((trx) => copyRows(trx, 'inbox', ['id', 'from_node', 'seq', 'type', 'envelope', 'digest', 'received_at', 'batch_id'], [{ id: 'm-1', from_node: 'p', seq: null, type: 't', envelope: '{}', digest: 'd', received_at: 'r', batch_id: 'b' }]));
    const back = await db.selectFrom('inbox').select(['id', 'seq']).execute();
    expect(back).toEqual([{ id: 'm-1', seq: null }]);
  });

  it('fails as a whole on a duplicate, and the transaction keeps nothing of it', async () => {
    node = await createTestNode('postgres');
    const { db } = node.ctx.store;
    await db.transaction().execute((trx) => copyRows(trx, 'notices', COLUMNS, [notice('n-1', 'a')]));
    await expect(
      db.transaction().execute(async (trx) => {
        await copyRows(trx, 'notices', COLUMNS, [notice('n-2', 'b')]);
        await copyRows(trx, 'notices', COLUMNS, [notice('n-3', 'c'), notice('n-1', 'again')]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await db.selectFrom('notices').select('id').execute()).map((r) => r.id)).toEqual(['n-1']);
    // The connection is usable after the failed COPY.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('leaves other queries as they were, including a COPY text that is not given its data', async () => {
    node = await createTestNode('postgres');
    const { db } = node.ctx.store;
    await expect(sql`COPY notices (id) FROM STDIN`.execute(db)).rejects.toThrow();
    expect((await sql<{ v: string }>`select ${'x\ty'}::text as v`.execute(db)).rows).toEqual([{ v: 'x\ty' }]);
  });
});
