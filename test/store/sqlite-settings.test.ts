import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type StoreHandle } from '../../src/store/db.js';

/** The settings each SQLite connection of a node opens with (src/store/db.ts). */
describe('SQLite connection settings', () => {
  let dir: string;
  let store: StoreHandle;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-settings-'));
    store = await openStore({ url: join(dir, 'accord.db') });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const pragma = (name: string) => store.sqlite!.pragma(name, { simple: true });

  it('writes ahead (WAL), syncs at checkpoints only, waits for another writer and checks foreign keys', () => {
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1); // NORMAL
    expect(pragma('busy_timeout')).toBe(5000);
    expect(pragma('foreign_keys')).toBe(1);
  });

  it('keeps statement journals in memory rather than in a temporary file per multi-row write', () => {
    expect(pragma('temp_store')).toBe(2); // MEMORY
  });
});
