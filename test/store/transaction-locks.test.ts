import { sql, type Transaction } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionLock, transactionLocks } from '../../src/store/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

// Many advisory locks in one statement (a bulk call's case turns): held to the end of the
// transaction, the same locks one at a time takes, and taken in one order whoever asks.
describe('transactionLocks (postgres)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode('postgres');
  });
  afterAll(() => node?.close());

  // The lock's first key as the node takes it: the name within the node's schema.
  const tryLock = async (key: string, on: TestNode = node) => {
    const { db } = on.ctx.store;
    return db.transaction().execute(async (trx) => (await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(current_schema() || ':test.lock'), hashtext(${key})) as ok`.execute(trx)).rows[0]!.ok);
  };

  /** Opens a transaction on the node that takes locks (`take`) and holds them until `release`. */
  const holdLocks = async (take: (trx: Transaction<Database>) => Promise<void>): Promise<{ release(): Promise<void> }> => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let taken!: () => void;
    const hasThem = new Promise<void>((r) => (taken = r));
    const holder = node.ctx.store.db.transaction().execute(async (trx) => {
      await take(trx);
      taken();
      await held;
    });
    await Promise.race([hasThem, holder]);
    return { release: () => (release(), holder) };
  };

  it('holds every lock of the list until the transaction ends, as transactionLock does one', async () => {
    const { db } = node.ctx.store;
    const holder = await holdLocks((trx) => transactionLocks(trx, 'test.lock', ['c', 'a', 'b', 'a']));
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((k) => tryLock(k)))).toEqual([false, false, false, true]);
    await holder.release();
    expect(await Promise.all(['a', 'b', 'c'].map((k) => tryLock(k)))).toEqual([true, true, true]);
    // The same lock as one key at a time.
    await db.transaction().execute(async (trx) => {
      await transactionLock(trx, 'test.lock', 'b');
      expect(await Promise.all(['a', 'b'].map((k) => tryLock(k)))).toEqual([true, false]);
    });
  });

  it("is the node's own: a second node in another schema of the same database takes the same lock meanwhile", async () => {
    const other = await createTestNode('postgres');
    try {
      const holder = await holdLocks(async (trx) => {
        await transactionLock(trx, 'test.lock', 'a');
        await transactionLock(trx, 'test.lock');
      });
      expect(await tryLock('a')).toBe(false);
      expect(await tryLock('a', other)).toBe(true);
      // The other node's own turn on the one-key lock does not wait for this one's (a wait fails in 2 s).
      await other.ctx.store.db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '2s'`.execute(trx);
        await transactionLock(trx, 'test.lock');
        await transactionLocks(trx, 'test.lock', ['a', 'b']);
      });
      await holder.release();
    } finally {
      await other.close();
    }
  });

  it('still takes the locks when no schema of the search path exists (current_schema() is null)', async () => {
    const holder = await holdLocks(async (trx) => {
      await sql`set local search_path = accord_no_such_schema`.execute(trx);
      await transactionLock(trx, 'test.lock', 'a');
      await transactionLocks(trx, 'test.lock', ['b']);
    });
    const free = (key: string) => node.ctx.store.db.transaction().execute(async (trx) => (await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(':test.lock'), hashtext(${key})) as ok`.execute(trx)).rows[0]!.ok);
    expect([await free('a'), await free('b'), await free('c')]).toEqual([false, false, true]);
    await holder.release();
  });

  it('lets transactions taking overlapping lists in opposite orders all finish (no cycle of waits)', async () => {
    const { db } = node.ctx.store;
    const keys = Array.from({ length: 40 }, (_, i) => `case-${i}`);
    const lists = Array.from({ length: 12 }, (_, i) => (i % 2 ? [...keys].reverse() : keys).filter((_k, j) => (j + i) % 3 !== 0));
    const done = await Promise.all(lists.map((l) => db.transaction().execute(async (trx) => {
      await transactionLocks(trx, 'test.lock', l);
      await sql`select pg_sleep(0.005)`.execute(trx);
      return true;
    })));
    expect(done.every(Boolean)).toBe(true);
  });

  it('refuses outside a transaction, where the locks would guard nothing; an empty list takes none', async () => {
    const { db } = node.ctx.store;
    await expect(transactionLocks(db, 'test.lock', ['a'])).rejects.toThrow(/guards nothing outside a transaction/);
    await db.transaction().execute((trx) => transactionLocks(trx, 'test.lock', []));
  });
});
