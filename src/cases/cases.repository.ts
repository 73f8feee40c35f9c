import { sql, type Selectable } from 'kysely';
import { defineEventLog, eventKey, listEquivocations, listEvents, storeEvent, type EquivocationColumns } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import { normaliseForSearch } from '../util/search-text.js';
import { catalogue } from './catalogue/catalogue.js';
import { caseLogEvent, deadlinesOf, foldCase, type CaseState, type CaseStatus } from './cases.rules.js';
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
 * One page of the case list. Sorted newest first by update or opening, or by the nearest
 * deadline (cases without one last); keyset paging on (sort value, case_id).
 */
export async function queryCases(db: DbOrTrx, f: CaseFilter, now: Date): Promise<{ rows: CaseRow[]; next: string | null }> {
  const col = SORT_COLUMN[f.sort];
  let q = db.selectFrom('cases').selectAll();
  if (f.direction) q = q.where('direction', '=', f.direction);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.peer) q = q.where('peer', '=', f.peer);
  if (f.priority) q = q.where('priority', '=', f.priority);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.offence) q = q.where('offences', 'like', `% ${likeEscape(f.offence)} %`);
  if (f.overdue) q = q.where('next_due', '<', now.toISOString()).where('status', 'not in', ['refused', 'withdrawn', 'closed']);
  if (f.q) for (const word of normaliseForSearch(f.q).split(/\s+/).filter(Boolean).slice(0, 8)) q = q.where(sql<boolean>`search_text like ${`%${likeEscape(word)}%`} escape '\\'`);
  const asc = f.sort === 'due';
  if (f.after) {
    const [value, id] = JSON.parse(Buffer.from(f.after, 'base64url').toString('utf8')) as [string | null, string];
    if (asc) {
      // Nulls (no deadline) sort last.
      q = value === null ? q.where('next_due', 'is', null).where('case_id', '>', id) : q.where((eb) => eb.or([eb('next_due', 'is', null), eb('next_due', '>', value), eb.and([eb('next_due', '=', value), eb('case_id', '>', id)])]));
    } else {
      q = q.where((eb) => eb.or([eb(col, '<', value!), eb.and([eb(col, '=', value!), eb('case_id', '<', id)])]));
    }
  }
  if (asc) q = q.orderBy(sql`case when next_due is null then 1 else 0 end`).orderBy('next_due', 'asc').orderBy('case_id', 'asc');
  else q = q.orderBy(col, 'desc').orderBy('case_id', 'desc');
  const rows = await q.limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const next = rows.length > f.limit && last ? Buffer.from(JSON.stringify([last[col], last.case_id])).toString('base64url') : null;
  return { rows: page, next };
}

export async function findCaseRow(db: DbOrTrx, caseId: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}
