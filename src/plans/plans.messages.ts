import type { NodeContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { MAX_CLOCK_GAP_MS, plausibleTime } from '../federation/event-log/event-log.rules.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import { getGroup, type GroupDetail } from '../groups/groups.service.js';
import type { DbOrTrx } from '../store/db.js';
import { groupOfPlan, storePlanEvent, storeRelayedPlanEvents } from './plans.repository.js';
import { mayWrite } from './plans.rules.js';
import { AnswerBody, ChangeBody, ItemBody, PlanCreatedBody, PlanHistoryBody, PlanMessage, StatusBody, type PlanEventBody } from './plans.schemas.js';
import { membershipOf, within } from './plans.service.js';

/** The group as this node folds it, read in the inbox transaction; null when it holds none. */
async function groupFor(ctx: NodeContext, trx: DbOrTrx, groupId: string): Promise<GroupDetail | null> {
  try {
    return await getGroup(within(ctx, trx), groupId);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/**
 * Why this node does not take a node's word about a group's plans, or null when it does: the
 * group must be one this node belongs to (or is joining), and the sender a member of it, a
 * member when it signed (a delayed event of a member that left since), or a node being added
 * (its join may reach this node after its first events). Events of a plan must name the group
 * the plan belongs to.
 */
async function senderRefusal(ctx: NodeContext, trx: DbOrTrx, from: string, groupId: string, signedAt: string): Promise<string | null> {
  const me = ctx.identity.node_id;
  const g = await groupFor(ctx, trx, groupId);
  if (!g || g.my_role === 'none') return `${me} is not a member of group ${groupId}`;
  const invited = g.proposals.some((p) => p.status === 'open' && p.change.kind === 'add_member' && p.change.node === from);
  if (!invited && !mayWrite(membershipOf(g), from, signedAt)) return `${from} is not a member of group ${groupId}`;
  return null;
}

/** One plan event from its author: kept once when the author may write to the group's plans; refused otherwise. */
async function receiveEvent(trx: DbOrTrx, e: Envelope<PlanEventBody>, ctx: NodeContext): Promise<string | undefined> {
  const b = e.body;
  const why = await senderRefusal(ctx, trx, e.from, b.group_id, b.created_at);
  if (why) return why;
  if (e.type === PlanMessage.plan && b.plan_id !== b.event_id) return 'a plan is founded by the event that bears its id';
  const group = await groupOfPlan(trx, b.plan_id);
  if (group !== null && group !== b.group_id) return `plan ${b.plan_id} belongs to another group`;
  if (!plausibleTime(b.created_at, e.issued_at)) return `the event's time ${b.created_at} is more than ${MAX_CLOCK_GAP_MS / 60_000} minutes from its envelope's ${e.issued_at}`;
  await storePlanEvent(trx, e);
  return undefined;
}

/** A member's relay of a group's plans to this node, which joined it: each event is verified on its own. */
async function receiveHistory(trx: DbOrTrx, e: Envelope<PlanHistoryBody>, ctx: NodeContext): Promise<string | undefined> {
  const g = await groupFor(ctx, trx, e.body.group_id);
  if (!g || !g.members.includes(e.from)) return `${e.from} is not a member of group ${e.body.group_id}`;
  await storeRelayedPlanEvents(trx, ctx.identity.node_id, e.body.group_id, e.body.envelopes);
  return undefined;
}

export const PlanCreatedType = { type: PlanMessage.plan, body: PlanCreatedBody, handle: receiveEvent } satisfies MessageType<typeof PlanCreatedBody>;
export const PlanItemType = { type: PlanMessage.item, body: ItemBody, handle: receiveEvent } satisfies MessageType<typeof ItemBody>;
export const PlanChangeType = { type: PlanMessage.change, body: ChangeBody, handle: receiveEvent } satisfies MessageType<typeof ChangeBody>;
export const PlanAnswerType = { type: PlanMessage.answer, body: AnswerBody, handle: receiveEvent } satisfies MessageType<typeof AnswerBody>;
export const PlanStatusType = { type: PlanMessage.status, body: StatusBody, handle: receiveEvent } satisfies MessageType<typeof StatusBody>;
export const PlanHistoryType = { type: PlanMessage.history, body: PlanHistoryBody, handle: receiveHistory } satisfies MessageType<typeof PlanHistoryBody>;

export const planMessages = [PlanCreatedType, PlanItemType, PlanChangeType, PlanAnswerType, PlanStatusType, PlanHistoryType];
