import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openEmptyStore } from '../../../test/_util/db.js';
import type { StoreHandle } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { queryCases } from '../cases.repository.js';
import * as cases from './20261201T200000-cases.js';
import * as team from './20261202T160000-case-team.js';
import * as draftsIndex from './20261202T190000-case-drafts-case-index.js';
import * as caseSearch from './20261204T220000-case-search.js';

const T = '2026-12-01T00:00:00.000Z';
const row = (case_id: string, search_text: string) => ({
  case_id,
  direction: 'outgoing',
  peer: 'kz-cert',
  type: 'preservation-stored-data',
  priority: 'urgent',
  status: 'sent',
  subject: 'subject',
  reference: null,
  offences: '',
  opened_at: T,
  updated_at: T,
  ack_due: null,
  acknowledged_at: null,
  executed_at: null,
  closed_at: null,
  preservation_until: null,
  target_date: null,
  next_due: null,
  search_text,
  refusal_grounds: null,
  events: 1,
  ignored_events: 0,
});

const found = async (db: Kysely<Database>, q: string) => (await queryCases(db, { sort: 'updated', limit: 10, q }, new Date(T))).rows.map((r) => r.case_id).sort();
const columns = async (db: Kysely<unknown>, dialect: string) =>
  dialect === 'sqlite'
    ? (await sql<{ name: string }>`select name from pragma_table_info('cases')`.execute(db)).rows.map((r) => r.name)
    : (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'cases'`.execute(db)).rows.map((r) => r.name);

/** As the migrator runs a migration: in a transaction. */
const run = (raw: Kysely<unknown>, step: (trx: Kysely<unknown>) => Promise<void>) => raw.transaction().execute(step);

describe.each(DIALECTS)('the search text in its own table: the migration (%s)', (dialect) => {
  let store: StoreHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    store = await openEmptyStore(dialect);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('moves every case’s text out of the list row; the trigram index follows it; down puts it back', async () => {
    const db = store.db as unknown as Kysely<Database>;
    const raw = store.db as unknown as Kysely<unknown>;
    for (const m of [cases, team, draftsIndex]) await run(raw, m.up);
    await db.insertInto('cases').values([row('case-a', 'phishing hospital kz-2026-000421'), row('case-b', 'вымогательство hospital')] as never).execute();

    await run(raw, caseSearch.up);
    expect(await columns(raw, dialect)).not.toContain('search_text');
    expect(await db.selectFrom('case_search').selectAll().orderBy('case_id').execute()).toEqual([
      { case_id: 'case-a', search_text: 'phishing hospital kz-2026-000421' },
      { case_id: 'case-b', search_text: 'вымогательство hospital' },
    ]);
    expect(await found(db, 'hospital')).toEqual(['case-a', 'case-b']);
    expect(await found(db, 'KZ-2026-000421')).toEqual(['case-a']);
    expect(await found(db, 'вымогательство')).toEqual(['case-b']);
    if (dialect === 'sqlite') {
      // The rows moved are in the trigram table, and a new one joins it by trigger.
      expect((await sql<{ n: number }>`select count(*) as n from case_search_fts where search_text like '%hospital%'`.execute(raw)).rows[0]!.n).toBe(2);
      await db.insertInto('cases').values({ ...row('case-c', ''), search_text: undefined } as never).execute();
      await db.insertInto('case_search').values({ case_id: 'case-c', search_text: 'hospital ransomware' }).execute();
      expect((await sql<{ n: number }>`select count(*) as n from case_search_fts where search_text like '%ransomware%'`.execute(raw)).rows[0]!.n).toBe(1);
      await db.deleteFrom('case_search').where('case_id', '=', 'case-c').execute();
      await db.deleteFrom('cases').where('case_id', '=', 'case-c').execute();
      expect((await sql<{ n: number }>`select count(*) as n from case_search_fts where search_text like '%ransomware%'`.execute(raw)).rows[0]!.n).toBe(0);
    } else {
      const indexes = (await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = current_schema() and indexname like '%trgm%'`.execute(raw)).rows.map((r) => r.indexname);
      expect(indexes).toEqual(['case_search_trgm_idx']);
    }

    await run(raw, caseSearch.down);
    expect(await columns(raw, dialect)).toContain('search_text');
    const back = await sql<{ case_id: string; search_text: string }>`select case_id, search_text from cases order by case_id`.execute(raw);
    expect(back.rows).toEqual([
      { case_id: 'case-a', search_text: 'phishing hospital kz-2026-000421' },
      { case_id: 'case-b', search_text: 'вымогательство hospital' },
    ]);
    if (dialect === 'sqlite') expect((await sql<{ n: number }>`select count(*) as n from cases_search where search_text like '%hospital%'`.execute(raw)).rows[0]!.n).toBe(2);
    await run(raw, caseSearch.up);
    expect(await found(db, 'hospital')).toEqual(['case-a', 'case-b']);
  });
});
