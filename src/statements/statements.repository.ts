import type { Selectable } from 'kysely';
import { defineEventLog, listEquivocations, storeEvent, storeRelayed, type EquivocationColumns, type RelayResult } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import { AdoptionConsentBody, AdoptionProposalBody, AmendmentAnswerBody, AmendmentBody, SignatureBody, StatementCreatedBody, StatementMessage, type StatementEventBody } from './statements.schemas.js';
import type { StatementEventsTable } from './statements.tables.js';

export type StatementEventRow = Selectable<StatementEventsTable>;

/** Statements keep their signed history in the shared event log, one log per group. */
export const statementEventLog = defineEventLog({
  table: 'statement_events',
  equivocationTable: 'statement_event_equivocations',
  logColumn: 'group_id',
  kinds: [
    { message: StatementMessage.statement, type: 'statement', body: StatementCreatedBody },
    { message: StatementMessage.amendment, type: 'amendment', body: AmendmentBody },
    { message: StatementMessage.answer, type: 'answer', body: AmendmentAnswerBody },
    { message: StatementMessage.adoption, type: 'adoption', body: AdoptionProposalBody },
    { message: StatementMessage.consent, type: 'consent', body: AdoptionConsentBody },
    { message: StatementMessage.signature, type: 'signature', body: SignatureBody },
  ],
  logOf: (b: StatementEventBody) => b.group_id,
  columns: (b: StatementEventBody) => ({ statement_id: b.statement_id }),
});

/** Stores a statement event (received or this node's own) once; true when new. */
export function storeStatementEvent(db: DbOrTrx, e: Envelope<unknown>): Promise<boolean> {
  return storeEvent(db, statementEventLog, e);
}

/** Statement events of a group that a member relayed to this node, each verified against its author's key. */
export function storeRelayedStatementEvents(trx: DbOrTrx, me: string, groupId: string, envelopes: readonly unknown[]): Promise<RelayResult> {
  return storeRelayed(trx, statementEventLog, { me, logId: groupId }, envelopes);
}

/** One statement's events in (created_at, event_id) order. */
export function listStatementEventRows(db: DbOrTrx, statementId: string): Promise<StatementEventRow[]> {
  return db.selectFrom('statement_events').selectAll().where('statement_id', '=', statementId).orderBy('created_at').orderBy('event_id').execute();
}

/** Every statement event of a group: what a new member is sent. */
export function listGroupStatementEventRows(db: DbOrTrx, groupId: string): Promise<StatementEventRow[]> {
  return db.selectFrom('statement_events').selectAll().where('group_id', '=', groupId).orderBy('created_at').orderBy('event_id').execute();
}

/** The (statement, group) of every founding event held, oldest first. */
export function listStatementHeads(db: DbOrTrx): Promise<{ statement_id: string; group_id: string }[]> {
  return db.selectFrom('statement_events').select(['statement_id', 'group_id']).where('type', '=', 'statement').groupBy(['statement_id', 'group_id']).orderBy((eb) => eb.fn.min('created_at')).orderBy('statement_id').execute();
}

/** The group a statement id belongs to as this node holds it (its founding event), if any. */
export async function groupOfStatement(db: DbOrTrx, statementId: string): Promise<string | null> {
  const r = await db.selectFrom('statement_events').select('group_id').where('statement_id', '=', statementId).where('type', '=', 'statement').orderBy('created_at').orderBy('event_id').executeTakeFirst();
  return r?.group_id ?? null;
}

/** Groups that have statement events on this node. */
export async function listGroupsWithStatements(db: DbOrTrx): Promise<string[]> {
  return (await db.selectFrom('statement_events').select('group_id').distinct().execute()).map((r) => r.group_id);
}

export async function listStatementEquivocations(db: DbOrTrx, groupId: string): Promise<(EquivocationColumns & { group_id: string })[]> {
  return (await listEquivocations(db, statementEventLog, groupId)) as unknown as (EquivocationColumns & { group_id: string })[];
}

/** The joins of a group this node has relayed its statements to already. */
export async function relayedStatementJoins(db: DbOrTrx, groupId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('statement_relays').select(['node', 'proposal_id']).where('group_id', '=', groupId).execute();
  return new Set(rows.map((r) => `${r.node} ${r.proposal_id}`));
}

export async function recordStatementRelay(db: DbOrTrx, r: { group_id: string; node: string; proposal_id: string; events: number }): Promise<void> {
  await db
    .insertInto('statement_relays')
    .values({ ...r, relayed_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['group_id', 'node', 'proposal_id']).doNothing())
    .execute();
}
