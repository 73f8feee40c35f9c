import type { Kysely, Selectable } from 'kysely';
import type { DbOrTrx } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { keyringOf, type Keyring } from '../keyring.js';
import { findPeer } from '../peers.repository.js';
import type { Envelope } from '../protocol/envelope.js';
import { checkRelayed, claimedAuthor, eventDigest, eventRow, type EquivocationColumns, type EventBody, type EventLogDef, type EventRow, type RelayRefusal } from './event-log.rules.js';

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
  if (!row) return false;
  const r = await tableOf(db)
    .insertInto(log.spec.table)
    .values(row as Record<string, unknown>)
    .onConflict((oc) => oc.columns(['author', 'event_id']).doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return true;
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
  return false;
}

/** Stores the event an envelope carries (received from its author, or this node's own); see eventRow. */
export function storeEvent<Tb extends string, L extends string, T extends string, B extends EventBody, X extends object>(db: DbOrTrx, log: EventLogDef<Tb, L, T, B, X>, e: Envelope<unknown>, receivedAt = new Date().toISOString()): Promise<boolean> {
  return insertEvent(db, log, eventRow(log, e, receivedAt));
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
