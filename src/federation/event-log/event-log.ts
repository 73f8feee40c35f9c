import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import { isSqlite, type DbOrTrx } from '../../store/db.js';
import { sqliteInsert } from '../../store/insert-rows.js';
import type { Database } from '../../store/schema.js';
import { keyringOf, type Keyring } from '../keyring.js';
import { findPeer } from '../peers.repository.js';
import type { Envelope } from '../protocol/envelope.js';
import { checkRelayed, claimedAuthor, eventDigest, eventKey, eventRow, type EquivocationColumns, type EventBody, type EventLogDef, type EventRow, type RelayRefusal } from './event-log.rules.js';

export * from './event-log.rules.js';

/**
 * The signed event log's storage and relay, over the capability's own table (it keeps owning
 * it: its migration, its extra columns and indexes). See event-log.rules.ts for the pure part.
 */

/** The capability's table seen through its standard columns: the log module knows no other. */
function tableOf(db: DbOrTrx): Kysely<Record<string, Record<string, unknown>>> {
  return db as unknown as Kysely<Record<string, Record<string, unknown>>>;
}

/**
 * Stores an event once per (author, event_id): a second copy (another delivery, a relayed
 * history) is ignored. A different body under a key held already is equivocation: it is kept
 * in the log's equivocation table as evidence, never in place of the first. True when new.
 */
export async function insertEvent<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, row: EventRow<T, L, X> | null): Promise<boolean> {
  return (await insertEvents(db, log, [row]))[0]!;
}

/** Rows × columns per statement: well under the databases' bind-parameter limits. */
const PARAMS_PER_STATEMENT = 1600;

/**
 * Inserts rows into a table, skipping those whose (author, event_id) is held already, and
 * returns the keys (eventKey) of the rows inserted. On PostgreSQL rows made only of text (or
 * null) travel as one JSON parameter that the server turns back into rows (cheaper to parse
 * than thousands of parameters); otherwise multi-row VALUES statements (on SQLite written once
 * per size: sqliteInsert).
 */
async function insertSkippingHeld(db: DbOrTrx, table: string, rows: Record<string, unknown>[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (!rows.length) return inserted;
  const columns = Object.keys(rows[0]!);
  const textOnly = rows.every((r) => columns.every((c) => r[c] === null || typeof r[c] === 'string'));
  if (db.getExecutor().adapter instanceof PostgresAdapter && textOnly) {
    const shape = sql.join(columns.map((c) => sql`${sql.ref(c)} text`));
    const r = await sql<{ author: string; event_id: string }>`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(${shape}) ON CONFLICT (author, event_id) DO NOTHING RETURNING author, event_id`.execute(db);
    for (const x of r.rows) inserted.add(eventKey(x.author, x.event_id));
    return inserted;
  }
  if (isSqlite(db)) {
    for (const x of await sqliteInsert<{ author: string; event_id: string }>(db, table, columns, rows, { conflict: ['author', 'event_id'], returning: ['author', 'event_id'] })) inserted.add(eventKey(x.author, x.event_id));
    return inserted;
  }
  const per = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const r = await tableOf(db)
      .insertInto(table)
      .values(rows.slice(i, i + per))
      .onConflict((oc) => oc.columns(['author', 'event_id']).doNothing())
      .returning(['author', 'event_id'])
      .execute();
    for (const x of r) inserted.add(eventKey(x.author as string, x.event_id as string));
  }
  return inserted;
}

/**
 * Stores many events at once, as insertEvent one after another would (the first of two copies
 * under one key in the list is the one kept): true for each row that was new, in the order
 * given. A row that was not new is checked for equivocation (rare: one by one).
 */
export async function insertEvents<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, rows: readonly (EventRow<T, L, X> | null)[]): Promise<boolean[]> {
  const first = new Map<string, number>();
  rows.forEach((row, i) => {
    if (row && !first.has(eventKey(row.author, row.event_id))) first.set(eventKey(row.author, row.event_id), i);
  });
  const inserted = await insertSkippingHeld(db, log.spec.table, [...first.values()].map((i) => rows[i] as Record<string, unknown>));
  const out: boolean[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!row) {
      out.push(false);
      continue;
    }
    const key = eventKey(row.author, row.event_id);
    const isNew = first.get(key) === i && inserted.has(key);
    out.push(isNew);
    if (!isNew) await keepEquivocation(db, log, row);
  }
  return out;
}

/** A row whose key the log holds already: kept as evidence of equivocation when its body differs from the one held. */
async function keepEquivocation<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, row: EventRow<T, L, X>): Promise<void> {
  const held = await tableOf(db).selectFrom(log.spec.table).selectAll().where('author', '=', row.author).where('event_id', '=', row.event_id).executeTakeFirst();
  const digest = eventDigest((JSON.parse(row.envelope) as Envelope).body);
  if (held && eventDigest((JSON.parse(held.envelope as string) as Envelope).body) !== digest) {
    const evidence: EquivocationColumns & Record<string, string> = {
      event_id: row.event_id,
      author: row.author,
      digest,
      envelope: row.envelope,
      sig_key: row.sig_key,
      received_at: row.received_at,
      [log.spec.logColumn]: (row as Record<L, string>)[log.spec.logColumn],
    };
    await tableOf(db)
      .insertInto(log.spec.equivocationTable)
      .values(evidence)
      .onConflict((oc) => oc.columns(['author', 'event_id', 'digest']).doNothing())
      .execute();
  }
}

/** Stores the event an envelope carries (received from its author, or this node's own); see eventRow. */
export function storeEvent<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, e: Envelope<unknown>, receivedAt = new Date().toISOString()): Promise<boolean> {
  return insertEvent(db, log, eventRow(log, e, receivedAt));
}

/** Stores the events many envelopes carry, as storeEvent one after another would: true for each that was new. */
export function storeEvents<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, es: readonly Envelope<unknown>[], receivedAt = new Date().toISOString()): Promise<boolean[]> {
  return insertEvents(db, log, es.map((e) => eventRow(log, e, receivedAt)));
}

/** A stored row: the capability's table type when it declared one in Database, else the standard row. */
export type StoredEvent<Tb extends string, L extends string, T extends string, X extends object> = Tb extends keyof Database ? Selectable<Database[Tb]> : EventRow<T, L, X>;

/** One log's rows in the order the fold takes them when no event names others: (created_at, event_id). */
export async function listEvents<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, logId: string): Promise<StoredEvent<Tb, L, T, X>[]> {
  const rows = await tableOf(db).selectFrom(log.spec.table).selectAll().where(log.spec.logColumn as string, '=', logId).orderBy('created_at').orderBy('event_id').execute();
  return rows as StoredEvent<Tb, L, T, X>[];
}

/** One log's equivocations: second bodies under keys its table holds, oldest first. */
export async function listEquivocations(db: DbOrTrx, log: EventLogDef, logId: string): Promise<(EquivocationColumns & Record<string, string>)[]> {
  const rows = await tableOf(db).selectFrom(log.spec.equivocationTable).selectAll().where(log.spec.logColumn, '=', logId).orderBy('received_at').orderBy('author').orderBy('event_id').execute();
  return rows as (EquivocationColumns & Record<string, string>)[];
}

/** Log ids per query: well under either database's bind-parameter limit. */
const LOGS_PER_QUERY = 500;

/** Several logs' rows in one query per LOGS_PER_QUERY logs, each log's in listEvents' order. */
export async function listEventsOfLogs<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, logIds: readonly string[]): Promise<Map<string, StoredEvent<Tb, L, T, X>[]>> {
  const out = new Map<string, StoredEvent<Tb, L, T, X>[]>(logIds.map((id) => [id, []]));
  for (let i = 0; i < logIds.length; i += LOGS_PER_QUERY) {
    const ids = logIds.slice(i, i + LOGS_PER_QUERY);
    const rows = await tableOf(db).selectFrom(log.spec.table).selectAll().where(log.spec.logColumn as string, 'in', ids).orderBy(log.spec.logColumn as string).orderBy('created_at').orderBy('event_id').execute();
    for (const r of rows) out.get(r[log.spec.logColumn] as string)?.push(r as StoredEvent<Tb, L, T, X>);
  }
  return out;
}

/** Several logs' equivocations in one query per LOGS_PER_QUERY logs, each log's in listEquivocations' order. */
export async function listEquivocationsOfLogs(db: DbOrTrx, log: EventLogDef, logIds: readonly string[]): Promise<Map<string, (EquivocationColumns & Record<string, string>)[]>> {
  const out = new Map<string, (EquivocationColumns & Record<string, string>)[]>(logIds.map((id) => [id, []]));
  for (let i = 0; i < logIds.length; i += LOGS_PER_QUERY) {
    const ids = logIds.slice(i, i + LOGS_PER_QUERY);
    const rows = await tableOf(db).selectFrom(log.spec.equivocationTable).selectAll().where(log.spec.logColumn, 'in', ids).orderBy('received_at').orderBy('author').orderBy('event_id').execute();
    for (const r of rows) out.get(r[log.spec.logColumn] as string)?.push(r as EquivocationColumns & Record<string, string>);
  }
  return out;
}

/** The signed envelopes of stored rows, as the authors signed them: what a node relays to another. */
export function envelopesOf(rows: readonly { envelope: string }[]): Envelope[] {
  return rows.map((r) => JSON.parse(r.envelope) as Envelope);
}

export interface RelayResult {
  /** Events kept (or held already). */
  accepted: number;
  /** Why each refused envelope was refused, in the order given. */
  refused: RelayRefusal[];
}

/**
 * The keyring of an active peer; null otherwise (or when its stored keys are unreadable). A
 * suspended peer's events are not taken second-hand either: its own messages are refused
 * while it is suspended, and a relay must not be a way around that.
 */
async function authorKeyring(db: DbOrTrx, nodeId: string): Promise<Keyring | null> {
  const peer = await findPeer(db, nodeId);
  if (!peer || peer.status !== 'active') return null;
  try {
    return keyringOf(peer);
  } catch {
    return null;
  }
}

/**
 * Stores the events another node relayed for one log (e.g. a group's history sent to an
 * invitee), each only if checkRelayed accepts it: a relay cannot forge, alter or misplace an
 * event. Duplicates of events held already are accepted and stored once.
 */
export async function storeRelayed<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(
  trx: DbOrTrx,
  log: EventLogDef<Tb, L, T, B, X>,
  to: { me: string; logId: string },
  envelopes: readonly unknown[],
): Promise<RelayResult> {
  const receivedAt = new Date().toISOString();
  const rings = new Map<string, Keyring | null>();
  const result: RelayResult = { accepted: 0, refused: [] };
  for (const raw of envelopes) {
    const author = claimedAuthor(raw);
    let ring: Keyring | null = null;
    if (author !== null && author !== to.me) {
      if (!rings.has(author)) rings.set(author, await authorKeyring(trx, author));
      ring = rings.get(author)!;
    }
    const checked = checkRelayed(log, raw, { ...to, ring, receivedAt });
    if (!checked.ok) {
      result.refused.push(checked.reason);
      continue;
    }
    await insertEvent(trx, log, checked.row);
    result.accepted++;
  }
  return result;
}
