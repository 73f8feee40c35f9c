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

  it('copies the WAL into the database file while the node itself checkpoints only past four times the default', async () => {
    cp = startCheckpointer(store.sqlite!, file, { everyMs: 50 });
    expect(await cp.ready).toBe(true);
    expect(autocheckpoint()).toBe(4000);
    const before = statSync(file).size;
    await write(1500); // about 1,500 pages: past SQLite's default of 1,000, short of 4,000
    // Only the thread checkpoints here: the file grows as it copies the pages in.
    await until('the database file holds the rows written', () => statSync(file).size > before + 1500 * 4000);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(store.db)).rows[0]!.n).toBe(1500);
  });

  it('keeps the WAL near its size while the node writes without a pause', async () => {
    cp = startCheckpointer(store.sqlite!, file, { everyMs: 20, inlinePages: 500 });
    await cp.ready;
    // About 12,000 pages written, one transaction after another with no pause between them:
    // the thread alone would never see the WAL all copied when a write begins.
    for (let i = 0; i < 12; i++) {
      await store.db.transaction().execute(async (trx) => {
        for (let j = 0; j < 1000; j++) await sql`insert into t (id, v) values (${i * 1000 + j}, ${'x'.repeat(4000)})`.execute(trx);
      });
    }
    // Each transaction adds about 1,000 pages past the 500 at which the node checkpoints.
    expect(statSync(file + '-wal').size).toBeLessThan(3000 * 4120);
  });

  it('gives checkpoints back to the node when stopped', async () => {
    cp = startCheckpointer(store.sqlite!, file, { everyMs: 50 });
    await cp.ready;
    await cp.stop();
    cp = undefined;
    expect(autocheckpoint()).toBe(1000);
  });

  it('gives checkpoints back to the node when the thread ends abruptly', async () => {
    cp = startCheckpointer(store.sqlite!, file, { everyMs: 50 });
    await cp.ready;
    await cp.worker.terminate();
    await until('the node checkpoints again', () => autocheckpoint() === 1000);
    const before = statSync(file).size;
    await write(1500);
    // SQLite's own checkpoint, inside a commit, copied pages in.
    expect(statSync(file).size).toBeGreaterThan(before);
  });
});
