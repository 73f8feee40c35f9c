import { createHash } from 'node:crypto';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { canonicalJson } from '../../crypto/canonical.js';
import { keyFor, type Keyring } from '../keyring.js';
import { verifyEnvelopeSignature, type Envelope } from '../protocol/envelope.js';

/**
 * The signed, replicated event log: the pure part (no database). A capability keeps a log of
 * events, each sent by its author in a signed envelope whose body carries the event's own id
 * and time, so the event is the same on every node even though the envelopes differ per
 * recipient. Each node stores every event once with the envelope that proves it, and derives
 * state by folding the events in an order that depends only on the set of events held.
 *
 * An event is known by (author, event_id), never by its id alone: ids are chosen by authors,
 * so another node could reuse one, and keying by id would let it squat the real event. Two
 * different bodies under one key are equivocation by that author: the second is kept as
 * evidence (in the log's equivocation table) and neither counts. An event that refers to
 * another names its author and body digest (EventRef), so it cannot be taken for an
 * impostor's event under the same id.
 */

/** What every event body carries: its own id (UUIDv7) and the author's time, the same on every node. */
export interface EventBody {
  event_id: string;
  created_at: string;
}

/** One kind of event a log holds: the message that carries it, its stored type, its body's schema. */
export interface EventKind<T extends string = string> {
  /** The message type, `capability.name/vN`. */
  message: string;
  /** The value of the table's `type` column. */
  type: T;
  body: TSchema;
}

/** The columns every event-log table has; a capability adds its log-id column and its own. */
export interface EventLogColumns<T extends string = string> {
  /** The event's own id, from the signed body. */
  event_id: string;
  type: T;
  /** The node that signed the event. */
  author: string;
  /** From the signed body; orders the fold together with event_id. */
  created_at: string;
  /** The signed envelope (JSON) as this node holds it. */
  envelope: string;
  /** Fingerprint of the key that signed the envelope. */
  sig_key: string;
  received_at: string;
}

/** An event's signed time may differ this much from its envelope's; beyond it the event is not kept. */
export const MAX_CLOCK_GAP_MS = 10 * 60_000;

/**
 * What a capability declares about its log. `L` is the column that names the log (e.g.
 * `group_id`), `B` the union of its event bodies, `X` the capability's own columns.
 */
export interface EventLogSpec<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object> {
  /** The capability's table; it owns it (and its migration), with the standard columns. */
  table: Tb;
  logColumn: L;
  kinds: readonly EventKind<T>[];
  /** The log an event belongs to, from its body. */
  logOf(body: B): string;
  /** The capability's own columns, from the event's body. */
  columns(body: B, type: T): X;
  /** Defaults to MAX_CLOCK_GAP_MS. */
  maxClockGapMs?: number;
  /**
   * The capability's table of equivocations (EquivocationColumns and its log column, keyed
   * by (author, event_id, digest)): a second body under an (author, event_id) held already.
   */
  equivocationTable: string;
}

/** The columns of a log's equivocation table: the body an author signed under an event key it had used for another body. */
export interface EquivocationColumns {
  event_id: string;
  author: string;
  /** eventDigest of this (second) body; the first is the one in the log's table. */
  digest: string;
  envelope: string;
  sig_key: string;
  received_at: string;
}

/** SHA-256 (hex) of an event body's RFC 8785 form: what a reference to the event names. */
export function eventDigest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** How an event names another: by its author and id, and the digest of the body it answers. */
export interface EventRef {
  author: string;
  event_id: string;
  digest: string;
}

/** One string per (author, event_id): the identity of an event in a log. */
export function eventKey(author: string, eventId: string): string {
  return `${author}\u0000${eventId}`;
}

export type EventRow<T extends string, L extends string, X extends object> = EventLogColumns<T> & Record<L, string> & X;

/** A declared log: the spec with its body checks compiled once. */
export interface EventLogDef<Tb extends string = string, L extends string = string, T extends string = string, B extends EventBody = EventBody, X extends object = object> {
  spec: EventLogSpec<Tb, L, T, B, X>;
  /** The event kind a message type carries, if any. */
  kindOf(messageType: string): EventKind<T> | undefined;
  /** Whether a body fits the schema of its message type's kind. */
  bodyFits(messageType: string, body: unknown): boolean;
}

export function defineEventLog<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(spec: EventLogSpec<Tb, L, T, B, X>): EventLogDef<Tb, L, T, B, X> {
  const byMessage = new Map(spec.kinds.map((k) => [k.message, { kind: k, check: Compile(k.body) }]));
  if (byMessage.size !== spec.kinds.length) throw new Error(`event log ${spec.table}: a message type is declared twice`);
  return {
    spec,
    kindOf: (m) => byMessage.get(m)?.kind,
    bodyFits: (m, body) => byMessage.get(m)?.check.Check(body) ?? false,
  };
}

/** Whether the event's own time is close enough to its envelope's: an author cannot back-date events at will. */
export function plausibleTime(createdAt: string, issuedAt: string, maxGapMs = MAX_CLOCK_GAP_MS): boolean {
  const gap = Math.abs(Date.parse(createdAt) - Date.parse(issuedAt));
  return gap <= maxGapMs;
}

/**
 * The row for an event envelope, received or sent; null when the message carries no event of
 * this log or the event's time is implausible. The body is assumed valid (the inbox checked it).
 */
export function eventRow<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(
  log: EventLogDef<Tb, L, T, B, X>,
  e: Envelope<unknown>,
  receivedAt: string,
): EventRow<T, L, X> | null {
  const kind = log.kindOf(e.type);
  const body = e.body as B;
  if (!kind || !plausibleTime(body.created_at, e.issued_at, log.spec.maxClockGapMs)) return null;
  const standard: EventLogColumns<T> = {
    event_id: body.event_id,
    type: kind.type,
    author: e.from,
    created_at: body.created_at,
    envelope: JSON.stringify(e),
    sig_key: e.sig.key,
    received_at: receivedAt,
  };
  return { ...standard, [log.spec.logColumn]: log.spec.logOf(body), ...log.spec.columns(body, kind.type) } as EventRow<T, L, X>;
}

export const RelayRefusal = {
  malformed: 'malformed',
  /** This node's own events: it holds them already and is not its own peer. */
  ownEvent: 'own_event',
  unknownType: 'unknown_type',
  invalidBody: 'invalid_body',
  otherLog: 'other_log',
  /** Not an active peer (unknown, suspended or removed). */
  unknownAuthor: 'unknown_author',
  wrongKey: 'wrong_key',
  retiredKey: 'retired_key',
  badSignature: 'bad_signature',
  implausibleTime: 'implausible_time',
} as const;
export type RelayRefusal = (typeof RelayRefusal)[keyof typeof RelayRefusal];

export type RelayCheck<R> = { ok: true; row: R } | { ok: false; reason: RelayRefusal };

/** The author a relayed envelope claims, or null when it is not even shaped like an envelope. */
export function claimedAuthor(raw: unknown): string | null {
  const e = raw as Partial<Envelope<unknown>> | null;
  if (typeof e !== 'object' || e === null || typeof e.from !== 'string' || typeof e.type !== 'string' || typeof e.issued_at !== 'string' || typeof e.sig?.key !== 'string') return null;
  return e.from;
}

/**
 * Checks an envelope another node relayed (it cannot forge or alter an event): an event of
 * this log, with a body that fits its type, signed by its author with the key the author held
 * when it issued the envelope (`ring`: the author's keyring, null when the author is not an
 * active peer). Retired keys count up to and including their retirement instant.
 */
export function checkRelayed<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(
  log: EventLogDef<Tb, L, T, B, X>,
  raw: unknown,
  at: { me: string; logId: string; ring: Keyring | null; receivedAt: string },
): RelayCheck<EventRow<T, L, X>> {
  const refuse = (reason: RelayRefusal): RelayCheck<never> => ({ ok: false, reason });
  const author = claimedAuthor(raw);
  if (author === null) return refuse(RelayRefusal.malformed);
  const e = raw as Envelope<unknown>;
  if (author === at.me) return refuse(RelayRefusal.ownEvent);
  if (!log.kindOf(e.type)) return refuse(RelayRefusal.unknownType);
  if (!log.bodyFits(e.type, e.body)) return refuse(RelayRefusal.invalidBody);
  if (log.spec.logOf(e.body as B) !== at.logId) return refuse(RelayRefusal.otherLog);
  if (!at.ring) return refuse(RelayRefusal.unknownAuthor);
  const key = keyFor(at.ring, e.sig.key, e.issued_at);
  if ('reason' in key) return refuse(key.reason === 'retired_key' ? RelayRefusal.retiredKey : RelayRefusal.wrongKey);
  if (!verifyEnvelopeSignature(e, key.key)) return refuse(RelayRefusal.badSignature);
  const row = eventRow(log, e, at.receivedAt);
  return row ? { ok: true, row } : refuse(RelayRefusal.implausibleTime);
}

/** What the fold needs of an event: its id, its time and, optionally, its author and the events its author had seen. */
export interface LogEvent {
  id: string;
  created_at: string;
  /** With the id, the event's key: two authors' events under one id are two events. */
  author?: string;
  /** Keys (eventKey, or bare ids for events without an author) of earlier events the author names as seen; the fold puts this event after them. */
  seen?: readonly string[];
}

const keyOf = (e: Pick<LogEvent, 'id' | 'author'>): string => (e.author === undefined ? e.id : eventKey(e.author, e.id));

/** By (created_at, id, author): (author, id) is unique, so no two events tie. */
export function compareEvents(a: Pick<LogEvent, 'id' | 'created_at' | 'author'>, b: Pick<LogEvent, 'id' | 'created_at' | 'author'>): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  const x = a.author ?? '';
  const y = b.author ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function insertSorted<E extends LogEvent>(xs: E[], x: E): void {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEvents(xs[mid]!, x) < 0) lo = mid + 1;
    else hi = mid;
  }
  xs.splice(lo, 0, x);
}

/**
 * The events in fold order: one copy per key (author, id; the first given), sorted by (created_at, id, author),
 * except that an event comes after every event it names as seen that the log holds (clocks
 * differ between nodes, so a reply may carry an earlier time than what it answers). The order
 * depends only on the set of events, never on the order or duplication of their arrival.
 * Events whose named events can never all come first (a cycle, which only made-up ids can
 * form) go last, by (created_at, id).
 */
export function foldOrder<E extends LogEvent>(events: Iterable<E>): E[] {
  const byId = new Map<string, E>();
  for (const e of events) if (!byId.has(keyOf(e))) byId.set(keyOf(e), e);
  const sorted = [...byId.values()].sort(compareEvents);
  if (!sorted.some((e) => e.seen?.length)) return sorted;

  // Kahn's algorithm, always taking the smallest (created_at, id) among the events ready.
  const unmet = new Map<string, number>();
  const children = new Map<string, E[]>();
  for (const e of sorted) {
    const parents = new Set((e.seen ?? []).filter((p) => p !== keyOf(e) && byId.has(p)));
    unmet.set(keyOf(e), parents.size);
    for (const p of parents) {
      const cs = children.get(p);
      if (cs) cs.push(e);
      else children.set(p, [e]);
    }
  }
  const out: E[] = [];
  const ready: E[] = [];
  const parked = new Set<string>();
  const emit = (e: E) => {
    out.push(e);
    for (const c of children.get(keyOf(e)) ?? []) {
      const left = unmet.get(keyOf(c))! - 1;
      unmet.set(keyOf(c), left);
      if (left === 0 && parked.delete(keyOf(c))) insertSorted(ready, c);
    }
  };
  let i = 0;
  for (;;) {
    // Events not ready yet wait until their last named event is out.
    while (i < sorted.length && unmet.get(keyOf(sorted[i]!))! > 0) parked.add(keyOf(sorted[i++]!));
    const next = i < sorted.length ? sorted[i]! : undefined;
    if (ready.length > 0 && (!next || compareEvents(ready[0]!, next) < 0)) emit(ready.shift()!);
    else if (next) {
      i++;
      emit(next);
    } else break;
  }
  return [...out, ...sorted.filter((e) => parked.has(keyOf(e)))];
}

/**
 * Whether `e` comes last when added to `events`: foldOrder([...events, e]) is then
 * foldOrder(events) followed by `e`, so a fold of `events` can take `e` as one more step
 * instead of folding everything again. It does when `e` is new, sorts after every event held,
 * no held event names it as seen, and every held event comes after the held events it names
 * (none is caught in a cycle: those go last, after `e`). A false answer is never wrong, only
 * slower: the caller folds the whole log again.
 */
export function appendsLast(events: readonly LogEvent[], e: LogEvent): boolean {
  const key = keyOf(e);
  for (const x of events) {
    if (keyOf(x) === key || compareEvents(x, e) >= 0) return false;
    if (x.seen?.includes(key)) return false;
  }
  if (!events.some((x) => x.seen?.length)) return true;
  const position = new Map<string, number>();
  foldOrder(events).forEach((x, i) => {
    if (!position.has(keyOf(x))) position.set(keyOf(x), i);
  });
  for (const x of events) {
    const at = position.get(keyOf(x))!;
    for (const p of x.seen ?? []) {
      const before = position.get(p);
      if (p !== keyOf(x) && before !== undefined && before >= at) return false;
    }
  }
  return true;
}

/** Reduces a log's events, in fold order, to a state: the same set of events gives the same state. */
export function foldEvents<E extends LogEvent, S>(events: Iterable<E>, initial: S, step: (state: S, event: E) => S): S {
  let state = initial;
  for (const e of foldOrder(events)) state = step(state, e);
  return state;
}
