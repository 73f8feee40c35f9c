import { lockAuditChain } from '../audit/audit.repository.js';
import { CompiledQuery, sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import { compareEvents, defineEventLog, eventKey, eventRow, insertEvents, listEquivocationsOfLogs, listEventsOfLogs, storeEvent, storeEvents, type EquivocationColumns } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import { isSqlite, transactionLock, transactionLocks, type DbOrTrx } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { normaliseForSearch } from '../util/search-text.js';
import { catalogue } from './catalogue/catalogue.js';
import { caseLogEvent, deadlinesOf, foldAppended, foldCase, TERMINAL, type CaseEvent, type CaseState, type CaseStatus } from './cases.rules.js';
import { CaseEventBody, CaseMessage } from './cases.schemas.js';
import type { CaseEventsTable, CasesTable } from './cases.tables.js';
import { caseVisibleSql, type Reader } from './team.repository.js';

export type CaseEventRow = Selectable<CaseEventsTable>;
export type CaseRow = Selectable<CasesTable>;

/**
 * Cases keep their signed history in the shared event log (src/federation/event-log), one log
 * per case, in `case_events`, keyed by (author, event_id); equivocations go to
 * `case_event_equivocations`. `type` holds the event's action.
 */
export const caseEventLog = defineEventLog({
  table: 'case_events',
  equivocationTable: 'case_event_equivocations',
  logColumn: 'case_id',
  kinds: [{ message: CaseMessage.event, type: 'event', body: CaseEventBody }],
  logOf: (b: CaseEventBody) => b.case_id,
  // The table's `type` column holds the event's action (it overrides the kind's name).
  columns: (b: CaseEventBody) => ({ type: b.action }),
});

/** Stores a case event (received or this node's own) once; false when held already or its time is implausible. */
export async function storeCaseEvent(db: DbOrTrx, e: Envelope<unknown>): Promise<boolean> {
  return storeEvent(db, caseEventLog, e);
}

/** Stores many case events at once, as storeCaseEvent one after another would: true for each that was new. */
export function storeCaseEvents(db: DbOrTrx, es: readonly Envelope<unknown>[]): Promise<boolean[]> {
  return storeEvents(db, caseEventLog, es);
}

export async function listCaseEventRows(db: DbOrTrx, caseId: string): Promise<CaseEventRow[]> {
  return (await listEventsOfLogs(db, caseEventLog, [caseId])).get(caseId) as CaseEventRow[];
}

export type CaseEquivocationRow = EquivocationColumns & { case_id: string };
export async function listCaseEquivocations(db: DbOrTrx, caseId: string): Promise<CaseEquivocationRow[]> {
  return (await listEquivocationsOfLogs(db, caseEventLog, [caseId])).get(caseId) as unknown as CaseEquivocationRow[];
}

export interface LoadedCase {
  rows: CaseEventRow[];
  equivocations: CaseEquivocationRow[];
  /** What the fold took: the rows' events but those whose author equivocated on them. */
  events: CaseEvent[];
  state: CaseState;
}

/** The body a stored row signed: from `known` (bodies in hand, by eventKey) when there, else parsed from its envelope. */
function bodyOf(r: CaseEventRow, known?: ReadonlyMap<string, CaseEventBody>): CaseEventBody {
  return known?.get(eventKey(r.author, r.event_id)) ?? (JSON.parse(r.envelope) as Envelope<CaseEventBody>).body;
}

/** Folds a case's stored rows, leaving out events whose author equivocated on them. */
export function foldLoaded(rows: CaseEventRow[], equivocations: CaseEquivocationRow[], known?: ReadonlyMap<string, CaseEventBody>): LoadedCase {
  const bad = new Set(equivocations.map((q) => eventKey(q.author, q.event_id)));
  const events = rows.filter((r) => !bad.has(eventKey(r.author, r.event_id))).map((r) => caseLogEvent(r.author, bodyOf(r, known)));
  return { rows, equivocations, events, state: foldCase(events, catalogue) };
}

/**
 * Folds several cases' stored events, with one query for their events and one for their
 * equivocations. `known`: bodies in hand (a batch just received), not parsed again.
 */
export async function loadCases(db: DbOrTrx, caseIds: readonly string[], known?: ReadonlyMap<string, CaseEventBody>): Promise<Map<string, LoadedCase>> {
  const rows = await listEventsOfLogs(db, caseEventLog, caseIds);
  const equivocations = await listEquivocationsOfLogs(db, caseEventLog, caseIds);
  return new Map(caseIds.map((id) => [id, foldLoaded(rows.get(id) as CaseEventRow[], equivocations.get(id) as unknown as CaseEquivocationRow[], known)]));
}

/** Folds a case's stored events, leaving out events whose author equivocated on them. */
export async function loadCase(db: DbOrTrx, caseId: string): Promise<LoadedCase> {
  return (await loadCases(db, [caseId])).get(caseId)!;
}

/** The case list's row for a folded case; null while the case is not open (no opening event yet). */
export function projectionOf(caseId: string, me: string, s: CaseState, events: number, now = new Date()): CasesTable | null {
  if (!s.request || !s.requesting || !s.requested || !s.opened_at) return null;
  const r = s.request;
  const d = deadlinesOf(s, now);
  const offences = Object.values(r.fields).flatMap((v) => (Array.isArray(v) ? v : []));
  return {
    case_id: caseId,
    direction: s.requesting === me ? 'outgoing' : 'incoming',
    peer: s.requesting === me ? s.requested : s.requesting,
    type: r.type,
    priority: r.priority,
    status: s.status,
    subject: r.subject,
    reference: r.reference ?? null,
    offences: offences.length ? ` ${offences.join(' ')} ` : '',
    opened_at: s.opened_at,
    updated_at: s.updated_at ?? s.opened_at,
    ack_due: d.ack_due,
    acknowledged_at: s.acknowledged_at,
    executed_at: s.executed_at,
    closed_at: s.closed_at,
    preservation_until: d.preservation_until,
    target_date: d.target_date,
    next_due: d.next_due,
    refusal_grounds: s.refusal ? s.refusal.grounds.join(' ') : null,
    events,
    ignored_events: s.timeline.filter((t) => !t.counted).length,
  };
}

/**
 * A case's search text (`case_search`): its request's subject, reference and text fields in
 * every language, lower-cased and accent-folded; null while the case is not open. Bounded: the
 * list searches it with LIKE; the full text stays in the events.
 */
export function searchTextOf(s: CaseState): string | null {
  const r = s.request;
  if (!r) return null;
  const texts = [r.subject, r.reference ?? '', ...Object.values(r.fields).filter((v): v is string => typeof v === 'string'), ...r.translations.flatMap((t) => Object.values(t.fields))];
  return normaliseForSearch(texts.join('\n')).slice(0, 20_000);
}

/**
 * Writes the search rows of cases that have none yet: a case's text is its request's, set by its
 * opening, so a case gets its row once. `opening`: the cases of `loaded` that this write opens,
 * when the caller knows (every other open case has its row); else one read finds which lack one.
 */
async function writeSearchRows(db: DbOrTrx, loaded: ReadonlyMap<string, LoadedCase>, opening?: ReadonlySet<string>): Promise<void> {
  const open = [...loaded].filter(([id, l]) => l.state.request && (!opening || opening.has(id)));
  if (!open.length) return;
  const have = new Set<string>();
  for (let i = 0; i < open.length && !opening; i += 500) {
    const ids = open.slice(i, i + 500).map(([id]) => id);
    for (const r of await db.selectFrom('case_search').select('case_id').where('case_id', 'in', ids).execute()) have.add(r.case_id);
  }
  const rows = open.filter(([id]) => !have.has(id)).map(([case_id, l]) => ({ case_id, search_text: searchTextOf(l.state)! }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('case_search').values(rows.slice(i, i + 200)).onConflict((oc) => oc.column('case_id').doNothing()).execute();
}

/** Writes list rows (insert, or replace every column of the row held), several per statement. */
async function writeProjections(db: DbOrTrx, rows: CasesTable[]): Promise<void> {
  // Rows × columns stays under SQLite's bind-parameter limit.
  const per = 60;
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    await db.executeQuery(CompiledQuery.raw(upsertText(isSqlite(db), part.length), part.flatMap((r) => PROJECTION_COLUMNS.map((c) => r[c]))));
  }
}

/** The list row's columns, in the order of the upsert's values (projectionOf writes every one). */
const PROJECTION_COLUMNS = ['case_id', 'direction', 'peer', 'type', 'priority', 'status', 'subject', 'reference', 'offences', 'opened_at', 'updated_at', 'ack_due', 'acknowledged_at', 'executed_at', 'closed_at', 'preservation_until', 'target_date', 'next_due', 'refusal_grounds', 'events', 'ignored_events'] as const satisfies readonly (keyof CasesTable)[];
// Every column of the table is written: the compiler refuses this line when one is left out.
const everyColumn: Exclude<keyof CasesTable, (typeof PROJECTION_COLUMNS)[number]> extends never ? true : never = true;
void everyColumn;

/**
 * The list's upsert for `n` rows, written once per dialect and size: the rows of every event
 * go through it, and building it with the query builder cost more than SQLite's own work.
 */
const upsertTexts = new Map<string, string>();
function upsertText(sqlite: boolean, n: number): string {
  return textPerShape(upsertTexts, sqlite, n, () => {
    const k = PROJECTION_COLUMNS.length;
    const values = Array.from({ length: n }, (_, r) => `(${PROJECTION_COLUMNS.map((_c, j) => (sqlite ? '?' : `$${r * k + j + 1}`)).join(', ')})`).join(', ');
    const set = PROJECTION_COLUMNS.filter((c) => c !== 'case_id').map((c) => `"${c}" = excluded."${c}"`).join(', ');
    return `insert into "cases" (${PROJECTION_COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${values} on conflict ("case_id") do update set ${set}`;
  });
}

/** A statement's text for a dialect and a number of rows or ids, written the first time it is asked for. */
function textPerShape(texts: Map<string, string>, sqlite: boolean, n: number, write: () => string): string {
  const key = `${sqlite ? 's' : 'p'}${n}`;
  let text = texts.get(key);
  if (text === undefined) texts.set(key, (text = write()));
  return text;
}

/**
 * Rewrites cases' rows in the list from their logs (one query for all their events, one for
 * their equivocations, one write); removes nothing when a case is not open yet. `known`:
 * bodies in hand, not parsed again.
 */
export async function refreshProjections(db: DbOrTrx, caseIds: readonly string[], me: string, known?: ReadonlyMap<string, CaseEventBody>): Promise<Map<string, LoadedCase>> {
  // PostgreSQL applies batches (and local actions) at once: two transactions that each stored an
  // event of one case would each fold without the other's, and the later write would lose one.
  // Writers of the list take turns on the audit chain's lock, which every action holds already
  // (its outbox release is audited) and which nothing takes after a row the list writes: no
  // second lock order, so no deadlock. The one that waited reads the other's committed event.
  if (!isSqlite(db)) await lockAuditChain(db, 'postgres');
  const loaded = await loadCases(db, caseIds, known);
  await writeLoaded(db, loaded, me);
  return loaded;
}

/**
 * Writes the list rows of folded cases (the caller holds the list writers' turn: see
 * refreshProjections), and the search rows of those that have none (`opening`: writeSearchRows).
 */
export async function writeLoaded(db: DbOrTrx, loaded: ReadonlyMap<string, LoadedCase>, me: string, opening?: ReadonlySet<string>): Promise<void> {
  const now = new Date();
  const rows = [...loaded].flatMap(([id, l]) => projectionOf(id, me, l.state, l.rows.length, now) ?? []);
  await writeProjections(db, rows);
  await writeSearchRows(db, loaded, opening);
}

/**
 * Stores an event of this node's own, queued for the other party in the same transaction, on a
 * case loaded (`l`) earlier in it, and rewrites the case's list row (storeOwnCaseEvents).
 */
export async function storeOwnCaseEvent(db: DbOrTrx, me: string, l: LoadedCase, e: Envelope<CaseEventBody>): Promise<LoadedCase> {
  return (await storeOwnCaseEvents(db, me, new Map([[e.body.case_id, l]]), [e])).get(e.body.case_id)!;
}

/**
 * Stores events of this node's own, queued for the other party in the same transaction (so
 * that the transaction holds the list writers' turn, the audit chain's lock, already taken by
 * the audit of their release), on cases loaded (`loaded`) earlier in the same transaction, and
 * rewrites their list rows, one write for all: folded on top of what was loaded
 * (foldAppended) rather than read and folded again, unless something else changed a case's log
 * since it was read (PostgreSQL: another transaction may have committed an event in between;
 * counted once this one holds the list writers' turn; SQLite's one connection runs one
 * transaction at a time). The cases as they are after, by id.
 */
export async function storeOwnCaseEvents(db: DbOrTrx, me: string, loaded: ReadonlyMap<string, LoadedCase>, es: readonly Envelope<CaseEventBody>[]): Promise<Map<string, LoadedCase>> {
  const now = new Date().toISOString();
  const rows = es.map((e) => eventRow(caseEventLog, e, now) as CaseEventRow | null);
  const inserted = await insertEvents(db, caseEventLog, rows as never[]);
  const again = new Set(es.filter((_e, i) => !rows[i] || !inserted[i]).map((e) => e.body.case_id));
  const added = new Map<string, number>();
  for (const e of es) added.set(e.body.case_id, (added.get(e.body.case_id) ?? 0) + 1);
  if (!isSqlite(db)) {
    // The case's turn is held meanwhile.
    const counted = await countLogged(db, [...added.keys()].filter((id) => !again.has(id)));
    for (const [id, c] of counted) {
      const l = loaded.get(id)!;
      if (c.events !== l.rows.length + added.get(id)! || c.equivocations !== l.equivocations.length) again.add(id);
    }
  }
  const out = new Map<string, LoadedCase>();
  es.forEach((e, i) => {
    const caseId = e.body.case_id;
    if (again.has(caseId)) return;
    const l = out.get(caseId) ?? loaded.get(caseId)!;
    const row = rows[i]!;
    const event = caseLogEvent(row.author, e.body);
    const sorted = [...l.rows, row].sort((a, b) => compareEvents({ id: a.event_id, created_at: a.created_at, author: '' }, { id: b.event_id, created_at: b.created_at, author: '' }));
    out.set(caseId, { rows: sorted, equivocations: l.equivocations, events: [...l.events, event], state: foldAppended(l.state, l.events, event, catalogue) });
  });
  // The cases these events open: not open as loaded (every case open before has its search row).
  await writeLoaded(db, out, me, new Set([...out.keys()].filter((id) => !loaded.get(id)!.state.request)));
  if (again.size) for (const [id, l] of await refreshProjections(db, [...again], me)) out.set(id, l);
  return out;
}

/**
 * How many events and equivocations each case's log holds, by the logs' indexes, in one round
 * trip per 500 cases (both counts together).
 */
export async function countLogged(db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, { events: number; equivocations: number }>> {
  const out = new Map(caseIds.map((id) => [id, { events: 0, equivocations: 0 }]));
  for (let i = 0; i < caseIds.length; i += 500) {
    const ids = caseIds.slice(i, i + 500);
    const sqlite = isSqlite(db);
    const rows = await db.executeQuery<{ t: string; case_id: string; n: number | string }>(CompiledQuery.raw(countText(sqlite, ids.length), sqlite ? [...ids, ...ids] : ids));
    for (const r of rows.rows) {
      const c = out.get(r.case_id)!;
      if (r.t === 'e') c.events = Number(r.n);
      else c.equivocations = Number(r.n);
    }
  }
  return out;
}

/** countLogged's query for `n` cases, written once per dialect and size (an action on each case runs it). */
const countTexts = new Map<string, string>();
function countText(sqlite: boolean, n: number): string {
  return textPerShape(countTexts, sqlite, n, () => {
    // SQLite numbers `?` in order, so the ids are given twice; PostgreSQL reads $1… twice.
    const list = Array.from({ length: n }, (_, j) => (sqlite ? '?' : `$${j + 1}`)).join(', ');
    const count = (t: string, table: string) => `select '${t}' as "t", "case_id", count(*) as "n" from "${table}" where "case_id" in (${list}) group by "case_id"`;
    return `${count('e', 'case_events')} union all ${count('q', 'case_event_equivocations')}`;
  });
}

/**
 * Waits for this transaction's turn among the users acting on one case (PostgreSQL; SQLite's
 * one connection runs one transaction at a time). An action taken after it sees every event
 * committed before, so two users acting on one case at once cannot both pass the rules' check
 * against the same state and both sign (two withdrawals, an execution beside a refusal). A lock
 * of its own, per case, taken first: queuing the event then locks the peer's row and the audit
 * chain in the order every other sender does, so no two transactions wait for each other.
 */
export async function takeCaseTurn(db: DbOrTrx, caseId: string): Promise<void> {
  await transactionLock(db, 'cases.case', caseId);
}

/** takeCaseTurn for many cases, in one statement (PostgreSQL) and in one order whoever takes them. */
export async function takeCaseTurns(db: DbOrTrx, caseIds: readonly string[]): Promise<void> {
  await transactionLocks(db, 'cases.case', caseIds);
}

/** Rewrites a case's row in the list from its log; removes nothing when the case is not open yet. */
export async function refreshProjection(db: DbOrTrx, caseId: string, me: string): Promise<LoadedCase> {
  return (await refreshProjections(db, [caseId], me)).get(caseId)!;
}

export const CaseSort = { updated: 'updated', opened: 'opened', due: 'due' } as const;
export type CaseSort = (typeof CaseSort)[keyof typeof CaseSort];

export interface CaseFilter {
  direction?: 'outgoing' | 'incoming';
  type?: string;
  peer?: string;
  status?: CaseStatus[];
  priority?: string;
  offence?: string;
  /** Only cases with a deadline passed. */
  overdue?: boolean;
  /** Free text in any language (accent- and case-insensitive). */
  q?: string;
  sort: CaseSort;
  limit: number;
  /** The `next` cursor of the previous page. */
  after?: string;
  /** Only the cases this reader reaches under the team rule (team.repository.ts `caseVisibleSql`). */
  reader?: Reader;
}

const SORT_COLUMN = { updated: 'updated_at', opened: 'opened_at', due: 'next_due' } as const;

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A word held by fewer cases than this is looked up in SQLite's trigram index first (the list
 * then reads just those cases); a commoner one is found by walking the sort order, where the
 * first page's cases turn up within a few hundred rows.
 */
const SEARCH_PROBE = 1000;

/**
 * SQLite: the ids of every case whose text holds all the words, from the trigram table
 * `case_search_fts`; null when the words are too short for it (under three characters) or
 * common (SEARCH_PROBE cases or more). PostgreSQL's planner does this with its trigram index.
 */
async function searchCandidates(db: DbOrTrx, words: string[]): Promise<string[] | null> {
  const usable = words.filter((w) => [...w].length >= 3 && !/[\\%_]/.test(w));
  if (!usable.length || !isSqlite(db)) return null;
  const where = sql.join(usable.map((w) => sql`search_text like ${`%${w}%`}`), sql` and `);
  const { rows } = await sql<{ case_id: string }>`select case_id from case_search where rowid in (select rowid from case_search_fts where ${where} limit ${SEARCH_PROBE})`.execute(db);
  return rows.length < SEARCH_PROBE ? rows.map((r) => r.case_id) : null;
}

type CaseQuery = SelectQueryBuilder<Database, 'cases', CaseRow>;
type Cursor = [string | null, string];

/**
 * One page of the case list. Sorted newest first by update or opening, or by the nearest
 * deadline (cases without one last); keyset paging on (sort value, case_id). Every page is an
 * index walk in that order: a list of statuses is read one status at a time (each along its
 * index) and merged, and the deadline order reads the cases with a deadline, then those without.
 */
export async function queryCases(db: DbOrTrx, f: CaseFilter, now: Date): Promise<{ rows: CaseRow[]; next: string | null }> {
  const col = SORT_COLUMN[f.sort];
  const words = f.q ? normaliseForSearch(f.q).split(/\s+/).filter(Boolean).slice(0, 8) : [];
  const candidates = await searchCandidates(db, words);
  if (candidates?.length === 0) return { rows: [], next: null };
  const after = f.after ? (JSON.parse(Buffer.from(f.after, 'base64url').toString('utf8')) as Cursor) : null;
  const want = f.limit + 1;
  const visible = f.reader ? caseVisibleSql(f.reader, 'cases.case_id') : null;

  const filtered = (status: CaseStatus[] | undefined): CaseQuery => {
    let q = db.selectFrom('cases').selectAll();
    if (visible) q = q.where(visible);
    if (f.direction) q = q.where('direction', '=', f.direction);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.peer) q = q.where('peer', '=', f.peer);
    if (f.priority) q = q.where('priority', '=', f.priority);
    if (status?.length) q = status.length === 1 ? q.where('status', '=', status[0]!) : q.where('status', 'in', status);
    if (f.offence) q = q.where(sql<boolean>`offences like ${`% ${likeEscape(f.offence)} %`} escape '\\'`);
    if (f.overdue) q = q.where('next_due', '<', now.toISOString()).where('status', 'not in', [...TERMINAL]);
    if (candidates) q = q.where('cases.case_id', 'in', candidates);
    if (words.length) {
      const like = sql.join(words.map((word) => sql`s.search_text like ${`%${likeEscape(word)}%`} escape '\\'`), sql` and `);
      q = q.where(sql<boolean>`exists (select 1 from case_search s where s.case_id = cases.case_id and ${like})`);
    }
    return q;
  };

  let rows: CaseRow[];
  if (f.sort === 'due') {
    // Ascending with the cases without a deadline last: first those with one, then the rest by id.
    rows = [];
    if (!after || after[0] !== null) {
      let q = filtered(f.status).where('next_due', 'is not', null);
      if (after) q = q.where((eb) => eb(eb.refTuple('next_due', 'case_id'), '>', eb.tuple(after[0]!, after[1])));
      rows = await q.orderBy('next_due', 'asc').orderBy('case_id', 'asc').limit(want).execute();
    }
    if (rows.length < want) {
      let q = filtered(f.status).where('next_due', 'is', null);
      if (after && after[0] === null) q = q.where('case_id', '>', after[1]);
      rows = rows.concat(await q.orderBy('case_id', 'asc').limit(want - rows.length).execute());
    }
  } else {
    const page = (status: CaseStatus[] | undefined) => {
      let q = filtered(status);
      if (after) q = q.where((eb) => eb(eb.refTuple(col, 'case_id'), '<', eb.tuple(after[0]!, after[1])));
      return q.orderBy(col, 'desc').orderBy('case_id', 'desc').limit(want).execute();
    };
    if (f.status && f.status.length > 1 && !candidates) {
      // Each status along its own index, merged: one index cannot give several statuses in update order.
      const parts = await Promise.all([...new Set(f.status)].map((st) => page([st])));
      rows = parts
        .flat()
        .sort((a, b) => {
          const x = a[col as 'updated_at' | 'opened_at'];
          const y = b[col as 'updated_at' | 'opened_at'];
          return x === y ? (a.case_id < b.case_id ? 1 : -1) : x < y ? 1 : -1;
        })
        .slice(0, want);
    } else {
      rows = await page(f.status);
    }
  }
  const pageRows = rows.slice(0, f.limit);
  const last = pageRows[pageRows.length - 1];
  const next = rows.length > f.limit && last ? Buffer.from(JSON.stringify([last[col], last.case_id])).toString('base64url') : null;
  return { rows: pageRows, next };
}

export async function findCaseRow(db: DbOrTrx, caseId: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

/** The other party of each of these cases that the list holds (by case id). */
export async function peersOfCases(db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < caseIds.length; i += 500) {
    for (const r of await db.selectFrom('cases').select(['case_id', 'peer']).where('case_id', 'in', caseIds.slice(i, i + 500)).execute()) out.set(r.case_id, r.peer);
  }
  return out;
}

/** The openings the log holds of each of these cases (by case id; usually one). */
export async function openingsOfCases(db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, { author: string; event_id: string }[]>> {
  const out = new Map<string, { author: string; event_id: string }[]>(caseIds.map((id) => [id, []]));
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await db.selectFrom('case_events').select(['case_id', 'author', 'event_id']).where('case_id', 'in', caseIds.slice(i, i + 500)).where('type', '=', 'open').execute();
    for (const r of rows) out.get(r.case_id)!.push({ author: r.author, event_id: r.event_id });
  }
  return out;
}
