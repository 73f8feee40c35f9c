import type { Selectable } from 'kysely';
import { defineEventLog, listEquivocations, storeEvent, storeRelayed, type EquivocationColumns, type RelayResult } from '../federation/event-log/event-log.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { DbOrTrx } from '../store/db.js';
import { AnswerBody, ChangeBody, ItemBody, PlanCreatedBody, PlanMessage, StatusBody, type PlanEventBody } from './plans.schemas.js';
import type { PlanEventsTable } from './plans.tables.js';

export type PlanEventRow = Selectable<PlanEventsTable>;

/**
 * Plans keep their signed history in the shared event log, one log per group (a new member
 * gets the whole group's plans in one relay), in `plan_events`, keyed by (author, event_id).
 */
export const planEventLog = defineEventLog({
  table: 'plan_events',
  equivocationTable: 'plan_event_equivocations',
  logColumn: 'group_id',
  kinds: [
    { message: PlanMessage.plan, type: 'plan', body: PlanCreatedBody },
    { message: PlanMessage.item, type: 'item', body: ItemBody },
    { message: PlanMessage.change, type: 'change', body: ChangeBody },
    { message: PlanMessage.answer, type: 'answer', body: AnswerBody },
    { message: PlanMessage.status, type: 'status', body: StatusBody },
  ],
  logOf: (b: PlanEventBody) => b.group_id,
  columns: (b: PlanEventBody) => ({ plan_id: b.plan_id }),
});

/** Stores a plan event (received or this node's own) once; true when new. */
export function storePlanEvent(db: DbOrTrx, e: Envelope<unknown>): Promise<boolean> {
  return storeEvent(db, planEventLog, e);
}

/** Plan events of a group that a member relayed to this node, each verified against its author's key. */
export function storeRelayedPlanEvents(trx: DbOrTrx, me: string, groupId: string, envelopes: readonly unknown[]): Promise<RelayResult> {
  return storeRelayed(trx, planEventLog, { me, logId: groupId }, envelopes);
}

/** One plan's events in (created_at, event_id) order. */
export function listPlanEventRows(db: DbOrTrx, planId: string): Promise<PlanEventRow[]> {
  return db.selectFrom('plan_events').selectAll().where('plan_id', '=', planId).orderBy('created_at').orderBy('event_id').execute();
}

/** Every plan event of a group: what a new member is sent. */
export function listGroupPlanEventRows(db: DbOrTrx, groupId: string): Promise<PlanEventRow[]> {
  return db.selectFrom('plan_events').selectAll().where('group_id', '=', groupId).orderBy('created_at').orderBy('event_id').execute();
}

/** The (plan, group) of every plan founding event held, oldest first. */
export function listPlanHeads(db: DbOrTrx): Promise<{ plan_id: string; group_id: string }[]> {
  return db.selectFrom('plan_events').select(['plan_id', 'group_id']).where('type', '=', 'plan').groupBy(['plan_id', 'group_id']).orderBy((eb) => eb.fn.min('created_at')).orderBy('plan_id').execute();
}

/** The group a plan id belongs to as this node holds it (its founding event), if any. */
export async function groupOfPlan(db: DbOrTrx, planId: string): Promise<string | null> {
  const r = await db.selectFrom('plan_events').select('group_id').where('plan_id', '=', planId).where('type', '=', 'plan').orderBy('created_at').orderBy('event_id').executeTakeFirst();
  return r?.group_id ?? null;
}

/** Groups that have plan events on this node. */
export async function listGroupsWithPlans(db: DbOrTrx): Promise<string[]> {
  return (await db.selectFrom('plan_events').select('group_id').distinct().execute()).map((r) => r.group_id);
}

export type PlanEquivocationRow = EquivocationColumns & { group_id: string };

export async function listPlanEquivocations(db: DbOrTrx, groupId: string): Promise<PlanEquivocationRow[]> {
  return (await listEquivocations(db, planEventLog, groupId)) as unknown as PlanEquivocationRow[];
}

/** The joins of a group this node has relayed its plans to already. */
export async function relayedJoins(db: DbOrTrx, groupId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('plan_relays').select(['node', 'proposal_id']).where('group_id', '=', groupId).execute();
  return new Set(rows.map((r) => `${r.node} ${r.proposal_id}`));
}

export async function recordRelay(db: DbOrTrx, r: { group_id: string; node: string; proposal_id: string; events: number }): Promise<void> {
  await db
    .insertInto('plan_relays')
    .values({ ...r, relayed_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['group_id', 'node', 'proposal_id']).doNothing())
    .execute();
}
