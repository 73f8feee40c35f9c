import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardAssembly } from '../../src/app/standard.js';
import { queryCases, type CaseFilter } from '../../src/cases/cases.repository.js';
import type { CaseStatus } from '../../src/cases/cases.rules.js';
import type { CasesTable } from '../../src/cases/cases.tables.js';
import { openStore, type StoreHandle } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { normaliseForSearch } from '../../src/util/search-text.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';

// The case list's query takes different paths (a list of statuses read one at a time and merged,
// the deadline order in two parts, SQLite's trigram table for rare words and a walk for common
// ones): every page of every one must be what filtering and sorting all rows gives.
const NOW = new Date('2026-12-01T12:00:00.000Z');
const STATUSES: CaseStatus[] = ['sent', 'acknowledged', 'accepted', 'preserved', 'executed', 'closed', 'refused', 'withdrawn'];
const N = 1100; // more than the trigram probe (1,000), so that a word in every case takes the walk

/** A list row with its case's search text (kept in `case_search`). */
type Row = CasesTable & { search_text: string };

function rows(): Row[] {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  // Few distinct times, so that many rows tie on their sort value and the id decides.
  const times = Array.from({ length: 40 }, (_, i) => new Date(Date.parse('2026-06-01T00:00:00Z') + i * 7 * 86_400_000).toISOString());
  return Array.from({ length: N }, (_, i) => {
    const words = ['common', ['phishing', 'ransomware', 'fraud'][rnd(3)]!, ['вымогательство', 'мошенничество', 'Ozbekiston'][rnd(3)]!, i % 97 === 0 ? 'rarewordx' : '', i % 5 === 0 ? 'ab' : ''];
    return {
      case_id: randomUUID(),
      direction: rnd(2) ? 'outgoing' : 'incoming',
      peer: `peer-${rnd(3)}`,
      type: ['mla-production', 'preservation-stored-data', 'cert-assistance'][rnd(3)]!,
      priority: ['routine', 'urgent'][rnd(2)]!,
      status: STATUSES[rnd(STATUSES.length)]!,
      subject: `case ${i}`,
      reference: null,
      offences: rnd(3) ? ` un-cybercrime-${7 + rnd(3)} ` : '',
      opened_at: times[rnd(20)]!,
      updated_at: times[20 + rnd(20)]!,
      ack_due: null,
      acknowledged_at: null,
      executed_at: null,
      closed_at: null,
      preservation_until: null,
      target_date: null,
      next_due: rnd(5) < 2 ? null : times[rnd(40)]!,
      search_text: normaliseForSearch(words.join(' ')),
      refusal_grounds: null,
      events: 1,
      ignored_events: 0,
    };
  });
}

/** The list by definition: every row filtered, then sorted (the deadline order puts rows without one last). */
function expected(all: Row[], f: Omit<CaseFilter, 'limit'>): string[] {
  const words = f.q ? normaliseForSearch(f.q).split(/\s+/).filter(Boolean) : [];
  const open = (r: CasesTable) => !['refused', 'withdrawn', 'closed'].includes(r.status);
  const kept = all.filter(
    (r) =>
      (!f.status || f.status.includes(r.status)) &&
      (!f.peer || r.peer === f.peer) &&
      (!f.type || r.type === f.type) &&
      (!f.offence || r.offences.includes(` ${f.offence} `)) &&
      (!f.overdue || (r.next_due !== null && r.next_due < NOW.toISOString() && open(r))) &&
      words.every((w) => r.search_text.includes(w)),
  );
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (f.sort === 'due') kept.sort((a, b) => (a.next_due === b.next_due ? cmp(a.case_id, b.case_id) : a.next_due === null ? 1 : b.next_due === null ? -1 : cmp(a.next_due, b.next_due)));
  else {
    const col = f.sort === 'opened' ? 'opened_at' : 'updated_at';
    kept.sort((a, b) => cmp(b[col], a[col]) || cmp(b.case_id, a.case_id));
  }
  return kept.map((r) => r.case_id);
}

const FILTERS: Omit<CaseFilter, 'limit'>[] = [
  { sort: 'updated' },
  { sort: 'opened' },
  { sort: 'due' },
  { sort: 'updated', status: ['acknowledged', 'accepted', 'preserved'] },
  { sort: 'opened', status: ['sent', 'closed'] },
  { sort: 'due', status: ['sent', 'executed'] },
  { sort: 'updated', peer: 'peer-1', type: 'mla-production' },
  { sort: 'updated', overdue: true },
  { sort: 'due', overdue: true },
  { sort: 'updated', offence: 'un-cybercrime-8' },
  { sort: 'updated', q: 'RAREWORDX' },
  { sort: 'due', q: 'rarewordx phishing' },
  { sort: 'updated', q: 'rarewordx', status: ['sent', 'acknowledged', 'closed'] },
  { sort: 'updated', q: 'common' },
  { sort: 'updated', q: 'ransom common' },
  { sort: 'updated', q: 'вымогательство' },
  { sort: 'due', q: 'ozbekiston' },
  { sort: 'updated', q: 'ab' },
  { sort: 'updated', q: 'nothing-like-this' },
  { sort: 'updated', q: 'moved' },
];

for (const dialect of DIALECTS) {
  describe(`the case list query (${dialect})`, () => {
    let target: TestDbTarget;
    let store: StoreHandle;
    const all = rows();

    beforeAll(async () => {
      target = newTestDbTarget(dialect);
      mkdirSync(target.dataDir, { recursive: true });
      store = await openStore({ url: target.db ?? join(target.dataDir, 'accord.db'), schema: target.dbSchema });
      await migrateToLatest(store.db, standardAssembly().migrations, target.dbSchema);
      for (let i = 0; i < all.length; i += 200) {
        const part = all.slice(i, i + 200);
        await store.db.insertInto('cases').values(part.map(({ search_text: _t, ...row }) => row)).execute();
        await store.db.insertInto('case_search').values(part.map((r) => ({ case_id: r.case_id, search_text: r.search_text }))).execute();
      }
      // A text rewritten is found by its new words only (the trigram table follows it).
      const moved = all[1]!;
      moved.search_text = normaliseForSearch('common rarewordx moved');
      await store.db.updateTable('case_search').set({ search_text: moved.search_text }).where('case_id', '=', moved.case_id).execute();
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    it.each(FILTERS.map((f) => [JSON.stringify(f), f] as const))('pages through %s exactly as filtering and sorting every row', async (_label, f) => {
      const want = expected(all, f);
      const got: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 200; page++) {
        const r = await queryCases(store.db, { ...f, limit: 37, ...(after ? { after } : {}) }, NOW);
        got.push(...r.rows.map((x) => x.case_id));
        expect(r.rows.length).toBeLessThanOrEqual(37);
        if (!r.next) break;
        after = r.next;
      }
      expect(got).toEqual(want);
      if (f.q === 'RAREWORDX') expect(want.length).toBeGreaterThan(5);
      if (f.q === 'common') expect(want.length).toBe(N);
      if (f.q === 'moved') expect(want).toEqual([all[1]!.case_id]);
    });
  });
}
