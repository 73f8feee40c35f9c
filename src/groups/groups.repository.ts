import type { Selectable } from 'kysely';
import { defineEventLog, eventDigest, listEquivocations, listEvents, storeEvent, storeRelayed, type EquivocationColumns, type RelayResult } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import { ConsentBody, ConsentBodyV2, GroupMessage, ProposalBody, RefusalBody, RefusalBodyV2, type GroupEventBody } from './groups.schemas.js';
import type { GroupEvent } from './groups.rules.js';
import type { GroupEventsTable } from './groups.tables.js';

export type GroupEventRow = Selectable<GroupEventsTable>;

/**
 * Groups keep their signed history in the shared event log (src/federation/event-log), one
 * log per group, in the `group_events` table that groups own, keyed by (author, event_id);
 * equivocations go to `group_event_equivocations`. `proposal_id` and `kind` are copied out of
 * the body so that answers and foundings can be found without parsing.
 */
export const groupEventLog = defineEventLog({
  table: 'group_events',
  equivocationTable: 'group_event_equivocations',
  logColumn: 'group_id',
  kinds: [
    { message: GroupMessage.proposal, type: 'proposal', body: ProposalBody },
    { message: GroupMessage.consent, type: 'consent', body: ConsentBody },
    { message: GroupMessage.refusal, type: 'refusal', body: RefusalBody },
    { message: GroupMessage.consentV2, type: 'consent', body: ConsentBodyV2 },
    { message: GroupMessage.refusalV2, type: 'refusal', body: RefusalBodyV2 },
  ],
  logOf: (b: GroupEventBody) => b.group_id,
  columns: (b: GroupEventBody) => ({ proposal_id: 'proposal_id' in b ? b.proposal_id : null, kind: 'change' in b ? b.change.kind : null }),
});

/** Stores a group event (received or this node's own) once; ignored when its time is implausible. */
export async function storeGroupEvent(db: DbOrTrx, e: Envelope<unknown>): Promise<void> {
  await storeEvent(db, groupEventLog, e);
}

/** The events of a group that another member relayed to this node, each verified against its author's key. */
export function storeRelayedHistory(trx: DbOrTrx, me: string, groupId: string, envelopes: readonly unknown[]): Promise<RelayResult> {
  return storeRelayed(trx, groupEventLog, { me, logId: groupId }, envelopes);
}

export function listGroupEventRows(db: DbOrTrx, groupId: string): Promise<GroupEventRow[]> {
  return listEvents(db, groupEventLog, groupId);
}

export type GroupEquivocationRow = EquivocationColumns & { group_id: string };

/** Second bodies that authors signed under event keys this group's log holds already. */
export async function listGroupEquivocations(db: DbOrTrx, groupId: string): Promise<GroupEquivocationRow[]> {
  return (await listEquivocations(db, groupEventLog, groupId)) as unknown as GroupEquivocationRow[];
}

/** Every group this node has a founding proposal of, once even when two authors sent one for the same id. */
export async function listGroupIds(db: DbOrTrx): Promise<string[]> {
  const rows = await db
    .selectFrom('group_events')
    .select('group_id')
    .where('kind', '=', 'create')
    .groupBy('group_id')
    .orderBy((eb) => eb.fn.min('created_at'))
    .orderBy('group_id')
    .execute();
  return rows.map((r) => r.group_id);
}

export function rowToGroupEvent(r: GroupEventRow): GroupEvent {
  const body = (JSON.parse(r.envelope) as Envelope<GroupEventBody>).body;
  const base = { id: r.event_id, author: r.author, created_at: r.created_at };
  // v2 answers name the proposal's author and digest; v1 answers its id alone.
  const ref = 'proposal_author' in body ? { proposal: { author: body.proposal_author, digest: body.proposal_digest } } : {};
  switch (r.type) {
    case 'proposal':
      return { ...base, type: 'proposal', change: (body as ProposalBody).change, digest: eventDigest(body) };
    case 'consent':
      return { ...base, type: 'consent', proposal_id: r.proposal_id!, ...ref };
    case 'refusal': {
      const reason = (body as RefusalBody).reason;
      return { ...base, type: 'refusal', proposal_id: r.proposal_id!, ...ref, ...(reason !== undefined ? { reason } : {}) };
    }
  }
}
