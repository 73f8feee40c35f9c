import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/audit.repository.js';
import { verifyStoredAudit } from '../../src/audit/audit.verify.js';
import { transactionLock } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { runCli } from '../_util/node-process.js';

describe.each(DIALECTS)('audit chain on %s', (dialect) => {
  let node: TestNode;
  beforeEach(async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    // init wrote 2 entries (node.init, user.create); add 8 more.
    for (let i = 0; i < 8; i++) {
      await db.transaction().execute((trx) => appendAudit(trx, dialect, { actor: 'test', action: 'test.step', target: `item:${i}`, details: { i, text: 'Привет, dunyo' } }));
    }
  });
  afterEach(() => node.close());

  it('chains entries appended at once outside a transaction, each under the lock (a read of a case beside an export)', async () => {
    const { db } = node.ctx.store;
    // Each append is given the pool, not a transaction: on PostgreSQL its statements may run on
    // different connections, and a lock taken outside a transaction would end with its statement.
    const n = 24;
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => appendAudit(db, dialect, { actor: 'test', action: 'test.parallel', target: `item:${i}` })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await verifyStoredAudit(db)).toEqual({ ok: true, checked: 10 + n, lastSeq: 10 + n });
  });

  it('refuses an advisory lock taken outside a transaction, where it would guard nothing', async () => {
    const { db } = node.ctx.store;
    if (dialect === 'sqlite') await expect(transactionLock(db, 'test.lock')).resolves.toBeUndefined();
    else await expect(transactionLock(db, 'test.lock')).rejects.toThrow(/guards nothing outside a transaction/);
    await expect(db.transaction().execute((trx) => transactionLock(trx, 'test.lock', 'key'))).resolves.toBeUndefined();
  });

  it('verifies an untouched log of 10 entries', async () => {
    expect(await verifyStoredAudit(node.ctx.store.db)).toEqual({ ok: true, checked: 10, lastSeq: 10 });
  });

  it('names the edited entry when a row is changed', async () => {
    await node.ctx.store.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 6).execute();
    const v = await verifyStoredAudit(node.ctx.store.db);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
    expect(v.checked).toBe(5);
  });

  it('names the gap when a row is deleted', async () => {
    await node.ctx.store.db.deleteFrom('audit_log').where('seq', '=', 4).execute();
    const v = await verifyStoredAudit(node.ctx.store.db);
    expect(v.firstBroken).toMatchObject({ seq: 5, reason: 'missing_entries' });
  });

  it('detects reordered rows even when their seq numbers are swapped back into place', async () => {
    const db = node.ctx.store.db;
    // Swap the contents of entries 3 and 7 while keeping seq 3 and 7 in place.
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', 'in', [3, 7]).orderBy('seq').execute();
    const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
    const { seq: _sa, ...restA } = a;
    const { seq: _sb, ...restB } = b;
    await db.updateTable('audit_log').set(restB).where('seq', '=', 3).execute();
    await db.updateTable('audit_log').set(restA).where('seq', '=', 7).execute();
    const v = await verifyStoredAudit(db);
    expect(v.firstBroken).toMatchObject({ seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('detects a forged entry inserted with a recomputed hash in the middle', async () => {
    const db = node.ctx.store.db;
    // Shift entries 6.. up by one and insert a forged 6 that links to 5: entry 7 (old 6) no longer links.
    await sql`update audit_log set seq = seq + 1000 where seq >= 6`.execute(db);
    await sql`update audit_log set seq = seq - 999 where seq >= 1000`.execute(db);
    const five = await db.selectFrom('audit_log').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
    const { hashAuditEntry } = await import('../../src/audit/audit.chain.js');
    const forged = { seq: 6, at: new Date().toISOString(), actor: 'intruder', action: 'user.create', target: null, ip: null, details: {}, prev_hash: five.hash };
    await db.insertInto('audit_log').values({ ...forged, details: '{}', hash: hashAuditEntry(forged) }).execute();
    const v = await verifyStoredAudit(db);
    expect(v.firstBroken).toMatchObject({ seq: 7, reason: 'prev_hash_mismatch' });
  });

  it('`accord audit verify` exits 0 on an intact log and 1 naming the broken entry', async () => {
    const ok = runCli(['audit', 'verify', '--data', node.dataDir, '--json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, checked: 10 });
    await node.ctx.store.db.updateTable('audit_log').set({ details: '{"i":99}' }).where('seq', '=', 8).execute();
    const bad = runCli(['audit', 'verify', '--data', node.dataDir]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('BROKEN at entry 8: hash_mismatch');
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    const { db } = node.ctx.store;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => db.transaction().execute((trx) => appendAudit(trx, dialect, { actor: 'test', action: 'parallel', details: { i } }))),
    );
    expect(await verifyStoredAudit(db)).toMatchObject({ ok: true, checked: 30 });
  });
});
