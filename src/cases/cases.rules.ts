import { appendsLast, eventKey, foldOrder, type LogEvent } from '../federation/event-log/event-log.rules.js';
import { agreedAckHours, agreementAllows, type Agreement } from '../groups/agreements.js';
import type { Catalogue, RequestType } from './catalogue/catalogue.js';
import type { CaseAction, CaseEventBody, Priority, RequestContent } from './cases.schemas.js';

/**
 * The rules of a case, pure: who may take which action when, the state a log of events folds
 * to, and the deadlines that follow from it. Both parties fold the same set of events in the
 * same order (foldOrder: the events an author had seen first, then time, id and author), so
 * both reach the same state whatever order the events arrived in. An event that its author
 * may not take at that point (the wrong party, a case already closed) is kept as signed
 * history and counts for nothing; the reason is shown with it.
 */

export type Party = 'requesting' | 'requested';

export const CaseStatus = {
  unknown: 'unknown',
  sent: 'sent',
  acknowledged: 'acknowledged',
  informationRequested: 'information_requested',
  accepted: 'accepted',
  preserved: 'preserved',
  partiallyExecuted: 'partially_executed',
  executed: 'executed',
  postponed: 'postponed',
  conditionsOffered: 'conditions_offered',
  conditionsDeclined: 'conditions_declined',
  handedOver: 'handed_over',
  refused: 'refused',
  withdrawn: 'withdrawn',
  closed: 'closed',
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

/** Statuses after which only messages count. */
export const TERMINAL: ReadonlySet<CaseStatus> = new Set(['refused', 'withdrawn', 'closed']);

/**
 * Which party takes each action, and the request-type steps (catalogue `steps[].id`) that
 * make it available: an action with no steps listed is open to every type.
 */
export const ACTIONS: Record<Exclude<CaseAction, 'open'>, { by: Party | 'either'; steps?: readonly string[] }> = {
  acknowledge: { by: 'requested' },
  ask_information: { by: 'requested' },
  add_information: { by: 'requesting' },
  accept: { by: 'requested' },
  preserve: { by: 'requested', steps: ['preserve'] },
  execute: { by: 'requested', steps: ['execute', 'disclose', 'disclose_traffic_data', 'respond'] },
  postpone: { by: 'requested', steps: ['postpone'] },
  offer_conditions: { by: 'requested', steps: ['offer_conditions'] },
  accept_conditions: { by: 'requesting', steps: ['accept_conditions'] },
  decline_conditions: { by: 'requesting', steps: ['accept_conditions'] },
  refuse: { by: 'requested', steps: ['refuse', 'decline'] },
  hand_over: { by: 'requested' },
  extend: { by: 'requesting', steps: ['extend'] },
  withdraw: { by: 'requesting' },
  close: { by: 'requesting' },
  message: { by: 'either' },
};

/** Time to acknowledge by priority: Accord's defaults (node policy, not law); an agreement may set its own. */
export const ACK_WINDOW_MS: Record<Priority, number> = {
  emergency: 60 * 60_000,
  urgent: 24 * 60 * 60_000,
  routine: 5 * 24 * 60 * 60_000,
};

/** Days before a preservation runs out when the requesting side is reminded to extend it. */
export const PRESERVATION_REMINDER_DAYS = 10;

/** One case event as the fold sees it. */
export interface CaseEvent extends LogEvent {
  author: string;
  body: CaseEventBody;
}

export interface TimelineEntry {
  event_id: string;
  author: string;
  party: Party | null;
  action: CaseAction;
  created_at: string;
  /** False when the fold ignored the event; `ignored_because` says why. */
  counted: boolean;
  ignored_because?: string;
}

export interface Execution {
  extent: 'partial' | 'full';
  text: string;
  at: string;
}

export interface CaseState {
  status: CaseStatus;
  requesting: string | null;
  requested: string | null;
  request: RequestContent | null;
  opened_at: string | null;
  /** Hours to acknowledge set by the agreements in force when it was opened (in the signed opening); null: ACK_WINDOW_MS. */
  ack_hours: number | null;
  /** The last counted event's time. */
  updated_at: string | null;
  acknowledged_at: string | null;
  accepted_at: string | null;
  executed_at: string | null;
  closed_at: string | null;
  executions: Execution[];
  /** Additional information asked for and not yet given. */
  information_requested: string | null;
  postponement: { reasons: string; until: string | null } | null;
  conditions: { text: string; status: 'offered' | 'accepted' | 'declined' } | null;
  refusal: { grounds: string[]; reasons: string } | null;
  handed_over_to: string | null;
  withdrawal: string | null;
  /** The date (YYYY-MM-DD) until which the data are preserved. */
  preservation_until: string | null;
  /** Days of extension the requesting side asked for and not yet granted. */
  extension_requested: number | null;
  timeline: TimelineEntry[];
}

export function emptyCase(): CaseState {
  return {
    status: 'unknown',
    requesting: null,
    requested: null,
    request: null,
    opened_at: null,
    ack_hours: null,
    updated_at: null,
    acknowledged_at: null,
    accepted_at: null,
    executed_at: null,
    closed_at: null,
    executions: [],
    information_requested: null,
    postponement: null,
    conditions: null,
    refusal: null,
    handed_over_to: null,
    withdrawal: null,
    preservation_until: null,
    extension_requested: null,
    timeline: [],
  };
}

export function partyOf(s: Pick<CaseState, 'requesting' | 'requested'>, node: string): Party | null {
  return node === s.requesting ? 'requesting' : node === s.requested ? 'requested' : null;
}

/** The minimum preservation period of a type, in days (the largest the catalogue lists), or null. */
export function minimumPreservationDays(type: RequestType): number | null {
  const days = type.deadlines.filter((d) => d.kind === 'minimum_days' && d.days !== undefined).map((d) => d.days!);
  return days.length ? Math.max(...days) : null;
}

/**
 * The refusal grounds a type allows under the request's instrument, as their references
 * (`40(21)(b)` under the UN Convention, `29(5)(a)` under Budapest); null when the catalogue
 * lists none for that instrument (then any ground, with reasons, is taken: the catalogue does
 * not yet hold every instrument's grounds).
 */
export function refusalGroundsOf(type: RequestType, instrument?: string): string[] | null {
  const refs = (type.refusal_grounds ?? []).filter((g) => instrument === undefined || g.instrument === instrument).map((g) => g.ref);
  return refs.length ? refs : null;
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Why `author` may not take this event's action on a case in state `s` (null when it may).
 * The same answer on both nodes: it depends only on the state and the event.
 */
export function actionProblem(s: CaseState, author: string, body: CaseEventBody, catalogue: Catalogue): string | null {
  if (body.action === 'open') {
    if (s.status !== 'unknown') return 'the case is open already';
    if (body.requested === author) return 'a node cannot send a request to itself';
    if (!catalogue.requestTypes.some((t) => t.id === body.request.type)) return `unknown request type ${body.request.type}`;
    return null;
  }
  if (s.status === 'unknown' || !s.request) return 'the case has not been opened';
  const party = partyOf(s, author);
  if (!party) return `${author} is not a party to this case`;
  const rule = ACTIONS[body.action];
  if (rule.by !== 'either' && rule.by !== party) return `${body.action} is for the ${rule.by} party`;
  if (body.action === 'message') return null;
  if (TERMINAL.has(s.status)) return `the case is ${s.status}`;
  const type = catalogue.requestTypes.find((t) => t.id === s.request!.type);
  if (!type) return `unknown request type ${s.request.type}`;
  if (rule.steps && !type.steps.some((st) => rule.steps!.includes(st.id))) return `${body.action} is not a step of ${type.id}`;
  switch (body.action) {
    case 'acknowledge':
      return s.acknowledged_at ? 'acknowledged already' : null;
    case 'execute':
      return s.status === 'executed' ? 'executed already' : null;
    case 'accept_conditions':
    case 'decline_conditions':
      return s.conditions?.status === 'offered' ? null : 'no conditions are on offer';
    case 'extend':
      return s.preservation_until ? null : 'nothing is preserved yet';
    case 'refuse': {
      const allowed = refusalGroundsOf(type, s.request.legal_basis.instrument);
      const other = allowed ? body.grounds.filter((g) => !allowed.includes(g)) : [];
      return other.length ? `${other.join(', ')} ${other.length === 1 ? 'is not a ground' : 'are not grounds'} on which ${type.id} may be refused (${allowed!.join(', ')})` : null;
    }
    case 'preserve': {
      const min = minimumPreservationDays(type);
      if (min !== null && body.until < addDays(body.created_at, min)) return `preservation must last at least ${min} days (until ${addDays(body.created_at, min)} or later)`;
      if (s.preservation_until && body.until <= s.preservation_until) return `preserved until ${s.preservation_until} already`;
      return null;
    }
    case 'accept':
    case 'add_information':
    case 'ask_information':
    case 'close':
    case 'hand_over':
    case 'offer_conditions':
    case 'postpone':
    case 'withdraw':
      return null;
  }
}

/** Applies an allowed event to the state. */
function apply(s: CaseState, e: CaseEvent): CaseState {
  const b = e.body;
  const at = b.created_at;
  const n: CaseState = { ...s, updated_at: at };
  switch (b.action) {
    case 'open':
      return { ...n, status: 'sent', requesting: e.author, requested: b.requested, request: b.request, opened_at: at, ack_hours: b.ack_hours ?? null };
    case 'acknowledge':
      return { ...n, status: s.status === 'sent' ? 'acknowledged' : s.status, acknowledged_at: at };
    case 'ask_information':
      return { ...n, status: 'information_requested', information_requested: b.text, acknowledged_at: s.acknowledged_at ?? at };
    case 'add_information':
      return { ...n, status: s.status === 'information_requested' ? (s.accepted_at ? 'accepted' : 'acknowledged') : s.status, information_requested: null };
    case 'accept':
      return { ...n, status: 'accepted', accepted_at: at, acknowledged_at: s.acknowledged_at ?? at };
    case 'preserve':
      return { ...n, status: s.executed_at ? s.status : 'preserved', preservation_until: b.until, extension_requested: null, acknowledged_at: s.acknowledged_at ?? at };
    case 'execute':
      return {
        ...n,
        status: b.extent === 'full' ? 'executed' : 'partially_executed',
        executions: [...s.executions, { extent: b.extent, text: b.text, at }],
        executed_at: b.extent === 'full' ? at : s.executed_at,
        acknowledged_at: s.acknowledged_at ?? at,
      };
    case 'postpone':
      return { ...n, status: 'postponed', postponement: { reasons: b.reasons, until: b.until ?? null }, acknowledged_at: s.acknowledged_at ?? at };
    case 'offer_conditions':
      return { ...n, status: 'conditions_offered', conditions: { text: b.conditions, status: 'offered' }, acknowledged_at: s.acknowledged_at ?? at };
    case 'accept_conditions':
      return { ...n, status: 'accepted', accepted_at: at, conditions: { ...s.conditions!, status: 'accepted' } };
    case 'decline_conditions':
      return { ...n, status: 'conditions_declined', conditions: { ...s.conditions!, status: 'declined' } };
    case 'refuse':
      return { ...n, status: 'refused', refusal: { grounds: b.grounds, reasons: b.reasons }, closed_at: at, acknowledged_at: s.acknowledged_at ?? at };
    case 'hand_over':
      return { ...n, status: 'handed_over', handed_over_to: b.authority, acknowledged_at: s.acknowledged_at ?? at };
    case 'extend':
      return { ...n, extension_requested: b.days };
    case 'withdraw':
      return { ...n, status: 'withdrawn', withdrawal: b.reasons ?? '', closed_at: at };
    case 'close':
      return { ...n, status: 'closed', closed_at: at };
    case 'message':
      return n;
  }
}

/** The fold's view of an event: its key and the keys of the events its author had seen. */
export function caseLogEvent(author: string, body: CaseEventBody): CaseEvent {
  return { id: body.event_id, author, created_at: body.created_at, seen: body.seen.map((x) => eventKey(x.author, x.event_id)), body };
}

/** One step of the fold: the state after the next event in fold order (counted, or kept with why not). */
export function stepCase(s: CaseState, e: CaseEvent, catalogue: Catalogue): CaseState {
  const problem = actionProblem(s, e.author, e.body, catalogue);
  const entry: TimelineEntry = { event_id: e.id, author: e.author, party: partyOf(s, e.author), action: e.body.action, created_at: e.created_at, counted: problem === null };
  if (problem !== null) return { ...s, timeline: [...s.timeline, { ...entry, ignored_because: problem }] };
  const n = apply(s, e);
  return { ...n, timeline: [...n.timeline, { ...entry, party: partyOf(n, e.author) }] };
}

/** A case's state from its events, in any order and with duplicates: the same set gives the same state. */
export function foldCase(events: Iterable<CaseEvent>, catalogue: Catalogue): CaseState {
  let s = emptyCase();
  for (const e of foldOrder(events)) s = stepCase(s, e, catalogue);
  return s;
}

/**
 * The state of `events` and `e` together, from `s`, the state `events` fold to: one more step
 * when `e` comes last in fold order (appendsLast), else the whole fold again. Always equal to
 * foldCase([...events, e]).
 */
export function foldAppended(s: CaseState, events: readonly CaseEvent[], e: CaseEvent, catalogue: Catalogue): CaseState {
  return appendsLast(events, e) ? stepCase(s, e, catalogue) : foldCase([...events, e], catalogue);
}

/** The actions a party may take now (the web app offers these; the fold has the last word). */
export function availableActions(s: CaseState, party: Party | null, catalogue: Catalogue): Exclude<CaseAction, 'open'>[] {
  if (!party || !s.request) return [];
  const type = catalogue.requestTypes.find((t) => t.id === s.request!.type);
  if (!type) return [];
  return (Object.keys(ACTIONS) as Exclude<CaseAction, 'open'>[]).filter((a) => {
    const rule = ACTIONS[a];
    if (rule.by !== 'either' && rule.by !== party) return false;
    if (a === 'message') return true;
    if (TERMINAL.has(s.status)) return false;
    if (rule.steps && !type.steps.some((st) => rule.steps!.includes(st.id))) return false;
    if (a === 'acknowledge') return !s.acknowledged_at;
    if (a === 'execute') return s.status !== 'executed';
    if (a === 'accept_conditions' || a === 'decline_conditions') return s.conditions?.status === 'offered';
    if (a === 'extend') return s.preservation_until !== null;
    return true;
  });
}

export interface CaseDeadlines {
  /** When acknowledgement is due (until it is given). */
  ack_due: string | null;
  /** The date the requesting side proposed for execution (until it is executed in full). */
  target_date: string | null;
  preservation_until: string | null;
  /** The earliest of the pending deadlines: what the case list sorts by. */
  next_due: string | null;
  overdue: boolean;
  /** The preservation runs out within PRESERVATION_REMINDER_DAYS. */
  preservation_expiring: boolean;
}

/** How long the requested side has to acknowledge: what the agreements set in the opening, else Accord's default for the priority. */
export function ackWindowMs(s: Pick<CaseState, 'ack_hours' | 'request'>): number {
  return s.ack_hours !== null ? s.ack_hours * 3_600_000 : ACK_WINDOW_MS[s.request!.priority];
}

/**
 * The hours to acknowledge that the agreements in force set for this request (those that allow
 * its type, or its type under its instrument): the shortest for its priority; null when none sets one.
 */
export function agreedAckHoursFor(agreements: readonly Agreement[], request: Pick<RequestContent, 'type' | 'priority' | 'legal_basis'>): number | null {
  const allowing = agreements.filter((a) => agreementAllows(a, { requestType: request.type }) || agreementAllows(a, { requestType: `${request.legal_basis.instrument}:${request.type}` }));
  return agreedAckHours(allowing, request.priority);
}

/** The deadlines of a case at `now` (pure). */
export function deadlinesOf(s: CaseState, now: Date): CaseDeadlines {
  const open = s.request !== null && !TERMINAL.has(s.status);
  const ack_due = open && !s.acknowledged_at && s.opened_at ? new Date(Date.parse(s.opened_at) + ackWindowMs(s)).toISOString() : null;
  const proposed = s.request?.fields.proposed_deadline;
  const target_date = open && s.status !== 'executed' && typeof proposed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(proposed) ? proposed : null;
  const preservation_until = open ? s.preservation_until : null;
  const today = now.toISOString().slice(0, 10);
  const candidates = [ack_due, target_date && `${target_date}T23:59:59.999Z`, preservation_until && `${preservation_until}T23:59:59.999Z`].filter((x): x is string => !!x).sort();
  const overdue = (ack_due !== null && ack_due < now.toISOString()) || (target_date !== null && target_date < today) || (preservation_until !== null && preservation_until < today);
  const preservation_expiring = preservation_until !== null && preservation_until >= today && preservation_until <= addDays(today, PRESERVATION_REMINDER_DAYS);
  return { ack_due, target_date, preservation_until, next_due: candidates[0] ?? null, overdue, preservation_expiring };
}

/** A problem with a draft, for the field at fault: `missing` (required and empty), `unknown`, `not_allowed`, `not_agreed` (no agreement in force with the peer allows it). */
export interface DraftProblem {
  /** JSON pointer into the request content: `/fields/facts_summary`, `/legal_basis`. */
  pointer: string;
  code: 'missing' | 'unknown' | 'not_allowed' | 'not_agreed' | 'too_short';
  detail: string;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** What the requested node accepts (its requirements profile and the agreements shared with it); absent parts are not checked. */
export interface RequestedSide {
  /** Request types its requirements profile accepts (`*`: any); undefined when it says nothing. */
  requestTypes?: readonly string[];
  /** Languages its requirements profile accepts requests in; the original or a translation must be in one. */
  languages?: readonly string[];
  /** Fields its law requires beyond the instrument, by request type (`*`: every type). */
  extraFields?: Readonly<Record<string, readonly string[]>>;
  /**
   * Each request type and legal basis that an agreement in force between the two nodes
   * allows (allowedBases); undefined when they share no agreement: then everything is.
   */
  bases?: readonly AllowedBasis[];
}

/** A request type under one of its legal bases, as the agreements between two nodes allow it. */
export interface AllowedBasis {
  type: string;
  instrument: string;
  article?: number;
  /** The languages those agreements work in (`*`: any); empty: they name none, nothing is checked. */
  languages: string[];
  /** The titles of the agreements that allow it. */
  agreements: string[];
}

/**
 * Every request type and legal basis of the catalogue that one of `agreements` allows, with
 * the languages of the agreements that allow it. An agreement lists request types (`*`: any);
 * a type may be limited to the legal bases of one instrument as `instrument:type`
 * (`budapest:mla-production`), else it is allowed under each of its legal bases. Asked of each
 * agreement with agreementAllows.
 */
export function allowedBases(catalogue: Catalogue, agreements: readonly Agreement[]): AllowedBasis[] {
  const out: AllowedBasis[] = [];
  for (const type of catalogue.requestTypes) {
    const seen = new Set<string>();
    for (const b of type.legal_bases) {
      const key = `${b.instrument}|${b.article ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const by = agreements.filter((a) => agreementAllows(a, { requestType: type.id }) || agreementAllows(a, { requestType: `${b.instrument}:${type.id}` }));
      if (by.length === 0) continue;
      out.push({ type: type.id, instrument: b.instrument, ...(b.article !== undefined ? { article: b.article } : {}), languages: [...new Set(by.flatMap((a) => a.languages))], agreements: by.map((a) => a.title) });
    }
  }
  return out;
}

function basisLabel(b: { instrument: string; article?: number }): string {
  return b.article === undefined ? b.instrument : `${b.instrument} art. ${b.article}`;
}

function sameBasis(allowed: { instrument: string; article?: number }, asked: { instrument: string; article?: number }): boolean {
  return allowed.instrument === asked.instrument && (asked.article === undefined || allowed.article === undefined || allowed.article === asked.article);
}

/**
 * What the agreements between the two nodes do not allow in a request: its type (`/type`) or
 * its legal basis (`/legal_basis`). Empty when they share no agreement. A draft that has such a
 * problem is not saved; its languages are checked only on sending (a translation may follow).
 */
export function agreementProblems(c: Pick<RequestContent, 'type' | 'legal_basis'>, side: RequestedSide): DraftProblem[] {
  if (!side.bases) return [];
  const forType = side.bases.filter((b) => b.type === c.type);
  if (forType.length === 0) {
    const types = [...new Set(side.bases.map((b) => b.type))];
    return [{ pointer: '/type', code: 'not_agreed', detail: `no agreement in force with the requested node allows ${c.type} (they allow ${types.join(', ') || 'no request type'})` }];
  }
  if (!forType.some((b) => sameBasis(b, c.legal_basis)))
    return [{ pointer: '/legal_basis', code: 'not_agreed', detail: `the agreements in force with the requested node allow ${c.type} only under ${forType.map(basisLabel).join(', ')}, not under ${basisLabel(c.legal_basis)}` }];
  return [];
}

function accepted(allowed: readonly string[], langs: readonly string[]): boolean {
  return langs.some((l) => allowed.some((a) => a === '*' || a.toLowerCase() === l.toLowerCase() || l.toLowerCase().startsWith(`${a.toLowerCase()}-`)));
}

/**
 * Everything that stops a draft from being sent, each with the field at fault: required
 * fields of the type's legal basis, a legal basis the type has, known offences, the peer's
 * accepted types, languages and extra fields. Empty when it may go.
 */
export function draftProblems(c: RequestContent, catalogue: Catalogue, side: RequestedSide = {}): DraftProblem[] {
  const type = catalogue.requestTypes.find((t) => t.id === c.type);
  if (!type) return [{ pointer: '/type', code: 'unknown', detail: `unknown request type ${c.type}` }];
  const out: DraftProblem[] = agreementProblems(c, side);
  if (side.requestTypes && !side.requestTypes.some((t) => t === '*' || t === c.type))
    out.push({ pointer: '/type', code: 'not_allowed', detail: `the requested node's requirements profile does not accept ${c.type} (${side.requestTypes.join(', ') || 'none'})` });
  if (!type.legal_bases.some((b) => b.instrument === c.legal_basis.instrument && (c.legal_basis.article === undefined || b.article === undefined || b.article === c.legal_basis.article)))
    out.push({ pointer: '/legal_basis', code: 'not_allowed', detail: `${c.legal_basis.instrument}${c.legal_basis.article ? ` art. ${c.legal_basis.article}` : ''} is not a legal basis of ${type.id}` });
  for (const f of type.fields) {
    if (f.required && (f.type === 'boolean' ? typeof c.fields[f.id] !== 'boolean' : isEmpty(c.fields[f.id])))
      out.push({ pointer: `/fields/${f.id}`, code: 'missing', detail: `${f.id} is required by ${'ref' in f.source ? `${f.source.instrument} ${f.source.ref}` : type.id}` });
  }
  const known = new Set(type.fields.map((f) => f.id));
  const extras = [...(side.extraFields?.['*'] ?? []), ...(side.extraFields?.[c.type] ?? [])];
  for (const id of extras) {
    known.add(id);
    if (isEmpty(c.fields[id])) out.push({ pointer: `/fields/${id}`, code: 'missing', detail: `the requested node's law requires ${id}` });
  }
  for (const id of Object.keys(c.fields)) if (!known.has(id)) out.push({ pointer: `/fields/${id}`, code: 'unknown', detail: `${type.id} has no field ${id}` });
  const offenceIds = new Set(catalogue.offences.map((o) => o.id));
  for (const f of type.fields.filter((x) => x.type === 'offence_refs')) {
    const v = c.fields[f.id];
    if (Array.isArray(v)) for (const o of v) if (!offenceIds.has(o)) out.push({ pointer: `/fields/${f.id}`, code: 'unknown', detail: `unknown offence ${o}` });
  }
  const langs = [c.language, ...c.translations.map((t) => t.language)];
  if (side.languages && side.languages.length > 0 && !accepted(side.languages, langs))
    out.push({ pointer: '/translations', code: 'missing', detail: `the requested node accepts requests in ${side.languages.join(', ')}: add a translation` });
  // The languages of the agreements that allow this type under this basis (an agreement allows each of its languages).
  const basis = side.bases?.filter((b) => b.type === c.type && sameBasis(b, c.legal_basis));
  const agreed = basis?.length && basis.every((b) => b.languages.length > 0) ? [...new Set(basis.flatMap((b) => b.languages))] : [];
  if (agreed.length > 0 && !accepted(agreed, langs))
    out.push({ pointer: '/translations', code: 'not_agreed', detail: `the agreements in force with the requested node work in ${agreed.join(', ')}: add a translation into one of them` });
  return out;
}

/** Minutes between escalation steps once acknowledgement is late (Accord's defaults, node policy). */
export const ESCALATION_STEP_MINUTES: Record<'urgent' | 'emergency', number> = { emergency: 15, urgent: 120 };

/**
 * The escalation steps due at `now` for a request not acknowledged by `ackDue`: step 0 (the
 * users who work cases) at once, then step k (the k-th directory contact) every step after.
 */
export function escalationSteps(priority: 'urgent' | 'emergency', ackDue: string, now: Date, contacts: number): number[] {
  const late = now.getTime() - Date.parse(ackDue);
  if (late < 0) return [];
  const due = Math.min(contacts, Math.floor(late / (ESCALATION_STEP_MINUTES[priority] * 60_000)) + 1);
  return Array.from({ length: due + 1 }, (_, i) => i);
}
