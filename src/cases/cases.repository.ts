import { lockAuditChain } from '../audit/audit.repository.js';
import { sql, SqliteAdapter, type Selectable, type SelectQueryBuilder } from 'kysely';
import { defineEventLog, eventKey, listEquivocations, listEvents, storeEvent, type EquivocationColumns } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { normaliseForSearch } from '../util/search-text.js';
import { catalogue } from './catalogue/catalogue.js';
import { caseLogEvent, deadlinesOf, foldCase, TERMINAL, type CaseState, type CaseStatus } from './cases.rules.js';
import { CaseEventBody, CaseMessage } from './cases.schemas.js';
import type { CaseEventsTable, CasesTable } from './cases.tables.js';

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

export function listCaseEventRows(db: DbOrTrx, caseId: string): Promise<CaseEventRow[]> {
  return listEvents(db, caseEventLog, caseId) as Promise<CaseEventRow[]>;
}

export type CaseEquivocationRow = EquivocationColumns & { case_id: string };
export async function listCaseEquivocations(db: DbOrTrx, caseId: string): Promise<CaseEquivocationRow[]> {
  return (await listEquivocations(db, caseEventLog, caseId)) as unknown as CaseEquivocationRow[];
}

export interface LoadedCase {
  rows: CaseEventRow[];
  equivocations: CaseEquivocationRow[];
  state: CaseState;
}

/** Folds a case's stored events, leaving out events whose author equivocated on them. */
export async function loadCase(db: DbOrTrx, caseId: string): Promise<LoadedCase> {
  const rows = await listCaseEventRows(db, caseId);
  const equivocations = await listCaseEquivocations(db, caseId);
  const bad = new Set(equivocations.map((q) => eventKey(q.author, q.event_id)));
  const events = rows.filter((r) => !bad.has(eventKey(r.author, r.event_id))).map((r) => caseLogEvent(r.author, (JSON.parse(r.envelope) as Envelope<CaseEventBody>).body));
  return { rows, equivocations, state: foldCase(events, catalogue) };
}

/** The case list's row for a folded case; null while the case is not open (no opening event yet). */
export function projectionOf(caseId: string, me: string, s: CaseState, events: number, now = new Date()): CasesTable | null {
  if (!s.request || !s.requesting || !s.requested || !s.opened_at) return null;
  const r = s.request;
  const d = deadlinesOf(s, now);
  const texts = [r.subject, r.reference ?? '', ...Object.values(r.fields).filter((v): v is string => typeof v === 'string'), ...r.translations.flatMap((t) => Object.values(t.fields))];
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
    // Bounded: the list searches it with LIKE; the full text stays in the events.
    search_text: normaliseForSearch(texts.join('\n')).slice(0, 20_000),
    refusal_grounds: s.refusal ? s.refusal.grounds.join(' ') : null,
    events,
    ignored_events: s.timeline.filter((t) => !t.counted).length,
  };
}

/** Rewrites a case's row in the list from its log; removes nothing when the case is not open yet. */
export async function refreshProjection(db: DbOrTrx, caseId: string, me: string): Promise<LoadedCase> {
  // PostgreSQL applies batches (and local actions) at once: two transactions that each stored an
  // event of one case would each fold without the other's, and the later write would lose one.
  // Writers of the list take turns on the audit chain's lock, which every action holds already
  // (its outbox release is audited) and which nothing takes after a row the list writes: no
  // second lock order, so no deadlock. The one that waited reads the other's committed event.
  if (!isSqlite(db)) await lockAuditChain(db, 'postgres');
  const loaded = await loadCase(db, caseId);
  const row = projectionOf(caseId, me, loaded.state, loaded.rows.length);
  if (row) {
    const { case_id: _id, ...rest } = row;
    await db.insertInto('cases').values(row).onConflict((oc) => oc.column('case_id').doUpdateSet(rest)).execute();
  }
  return loaded;
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

function isSqlite(db: DbOrTrx): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * SQLite: the rowids of every case whose text holds all the words, from the trigram table
 * `cases_search`; null when the words are too short for it (under three characters) or
 * common (SEARCH_PROBE cases or more). PostgreSQL's planner does this with its trigram index.
 */
async function searchCandidates(db: DbOrTrx, words: string[]): Promise<number[] | null> {
  const usable = words.filter((w) => [...w].length >= 3 && !/[\\%_]/.test(w));
  if (!usable.length || !isSqlite(db)) return null;
  const where = sql.join(usable.map((w) => sql`search_text like ${`%${w}%`}`), sql` and `);
  const { rows } = await sql<{ rowid: number }>`select rowid from cases_search where ${where} limit ${SEARCH_PROBE}`.execute(db);
  return rows.length < SEARCH_PROBE ? rows.map((r) => r.rowid) : null;
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

  const filtered = (status: CaseStatus[] | undefined): CaseQuery => {
    let q = db.selectFrom('cases').selectAll();
    if (f.direction) q = q.where('direction', '=', f.direction);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.peer) q = q.where('peer', '=', f.peer);
    if (f.priority) q = q.where('priority', '=', f.priority);
    if (status?.length) q = status.length === 1 ? q.where('status', '=', status[0]!) : q.where('status', 'in', status);
    if (f.offence) q = q.where(sql<boolean>`offences like ${`% ${likeEscape(f.offence)} %`} escape '\\'`);
    if (f.overdue) q = q.where('next_due', '<', now.toISOString()).where('status', 'not in', [...TERMINAL]);
    if (candidates) q = q.where(sql<boolean>`cases.rowid in (${sql.join(candidates)})`);
    for (const word of words) q = q.where(sql<boolean>`search_text like ${`%${likeEscape(word)}%`} escape '\\'`);
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
