import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/app/capabilities.js';

/**
 * Owners keep their tables: code in a capability's folder queries only the tables its
 * descriptor declares; it reaches another's data through that capability's exported
 * functions. (The composition root owns the job runner's `jobs` table.)
 */
const SRC = join(import.meta.dirname, '..', '..', 'src');
const QUERY = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|insertRows)\(\s*(?:[a-zA-Z_.]+,\s*)?'([a-z_]+)'/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'migrations' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

function tablesQueriedIn(folder: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(join(SRC, folder))) {
    for (const m of readFileSync(file, 'utf8').matchAll(QUERY)) out.set(m[1]!, [...(out.get(m[1]!) ?? []), relative(SRC, file)]);
  }
  return out;
}

describe('table ownership', () => {
  const owners = new Map<string, string>([['jobs', 'app']]);
  for (const c of CAPABILITIES) for (const t of c.tables ?? []) owners.set(t, c.name);

  for (const folder of [...CAPABILITIES.map((c) => c.name), 'app']) {
    it(`${folder} queries only its own tables`, () => {
      const foreign = [...tablesQueriedIn(folder)].filter(([t]) => owners.get(t) !== folder).map(([t, files]) => `${t} (owned by ${owners.get(t) ?? 'nobody'}) in ${[...new Set(files)].join(', ')}`);
      expect(foreign).toEqual([]);
    });
  }

  it('finds queries at all (the pattern is not blind)', () => {
    expect([...tablesQueriedIn('directory').keys()]).toContain('ping_tests');
    expect([...tablesQueriedIn('federation').keys()]).toContain('outbox');
  });
});
