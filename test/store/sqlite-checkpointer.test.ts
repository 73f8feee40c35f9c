import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type StoreHandle } from '../../src/store/db.js';
import { startCheckpointer, type Checkpointer } from '../../src/store/sqlite-checkpointer.js';

/** A serving node's WAL is checkpointed on a thread of its own (src/store/sqlite-checkpointer.ts). */
describe('SQLite checkpoint thread', () => {
  let dir: string;
  let file: string;
  let store: StoreHandle;
  let cp: Checkpointer | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-checkpointer-'));
    file = join(dir, 'accord.db');
    store = await openStore({ url: file });
    await sql`create table t (id integer primary key, v text not null)`.execute(store.db);
  });
  afterEach(async () => {
    await cp?.stop();
    cp = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const autocheckpoint = () => store.sqlite!.pragma('wal_autocheckpoint', { simple: true });
  const write = async (n: number, from = 0) => {
    for (let i = 0; i < n; i++) await sql`insert into t (id, v) values (${from + i}, ${'x'.repeat(4000)})`.execute(store.db);
  };
  const until = async (what: string, ok: () => boolean) => {
    const end = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`not within 10 s: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('copies the WAL into the database file while the node itself no longer checkpoints', async () => {
    cp = startCheckpointer(store.sqlite!, file, 50);
    expect(await cp.ready).toBe(true);
    expect(autocheckpoint()).toBe(0);
    const before = statSync(file).size;
    await write(1500); // about 1,500 pages: past SQLite's own threshold of 1,000
    // Only the thread checkpoints now: the file grows as it copies the pages in.
    await until('the database file holds the rows written', () => statSync(file).size > before + 1500 * 4000);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(store.db)).rows[0]!.n).toBe(1500);
  });

  it('gives checkpoints back to the node when stopped', async () => {
    cp = startCheckpointer(store.sqlite!, file, 50);
    await cp.ready;
    await cp.stop();
    cp = undefined;
    expect(autocheckpoint()).toBe(1000);
  });

  it('gives checkpoints back to the node when the thread ends abruptly', async () => {
    cp = startCheckpointer(store.sqlite!, file, 50);
    await cp.ready;
    await cp.worker.terminate();
    await until('the node checkpoints again', () => autocheckpoint() === 1000);
    const before = statSync(file).size;
    await write(1500);
    // SQLite's own checkpoint, inside a commit, copied pages in.
    expect(statSync(file).size).toBeGreaterThan(before);
  });
});
