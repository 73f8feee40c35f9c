import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';

/** The SQLite database holds password hashes and secrets: 0600 for it and its -wal and -shm files. */
describe('SQLite file modes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const mode = (p: string) => statSync(p).mode & 0o777;

  it('creates the database and its WAL files readable by the owner only, even with a permissive umask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-modes-'));
    dirs.push(dir);
    const old = process.umask(0o000);
    try {
      const file = join(dir, 'accord.db');
      const store = await openStore({ url: file });
      await store.db.schema.createTable('t').addColumn('x', 'text').execute();
      expect(mode(file)).toBe(0o600);
      expect(mode(file + '-wal')).toBe(0o600);
      expect(mode(file + '-shm')).toBe(0o600);
      await store.close();
    } finally {
      process.umask(old);
    }
  });

  it('narrows an existing database file that others could read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-modes-'));
    dirs.push(dir);
    const file = join(dir, 'accord.db');
    writeFileSync(file, '', { mode: 0o644 });
    const store = await openStore({ url: file });
    expect(mode(file)).toBe(0o600);
    await store.close();
  });
});
