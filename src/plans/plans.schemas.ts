import { Type, type Static } from 'typebox';

/**
 * The plans protocol (docs/plans.md): message names and body schemas. Every change to a plan
 * is an event with its own `event_id`, signed by its author and sent to every other member of
 * the plan's group; the body — and so the event — is the same on every node. Schemas only:
 * rules, storage and handlers import them.
 */
export const ItemStatus = { planned: 'planned', in_progress: 'in_progress', done: 'done', cancelled: 'cancelled' } as const;
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus];

export const PlanUuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
export const PlanNodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const Timestamp = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });
/** A calendar day (the deadline is the end of that day, UTC). */
export const PlanDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD; the item is overdue after this day (UTC)' });
export const InstrumentId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
export const PlanTitle = Type.String({ minLength: 1, maxLength: 300 });
export const ItemTitle = Type.String({ minLength: 1, maxLength: 500 });
export const LongText = Type.String({ maxLength: 4000 });
export const Note = Type.String({ minLength: 1, maxLength: 4000 });
export const StatusSchema = Type.Union([Type.Literal('planned'), Type.Literal('in_progress'), Type.Literal('done'), Type.Literal('cancelled')]);

const EventFields = { event_id: PlanUuid, created_at: Timestamp, group_id: PlanUuid, plan_id: PlanUuid };
/** Which proposal (an item proposed for another owner, or a change) an answer is for: its author and event id. */
const ProposalRef = { proposal_id: PlanUuid, proposal_author: PlanNodeId };
/** Which item an update or change is for: its id (the item event's id) and author. */
const ItemRef = { item_id: PlanUuid, item_author: PlanNodeId };

/** A new plan of a group; `plan_id` is the event's own id. */
export const PlanCreatedBody = Type.Object({ ...EventFields, title: PlanTitle, instrument: Type.Union([InstrumentId, Type.Null()]), reference: Type.String({ maxLength: 300 }) }, { additionalProperties: false });
/** An item; its id is the event's own id. In effect at once when its author owns it, else when the owner accepts. */
export const ItemBody = Type.Object({ ...EventFields, title: ItemTitle, description: LongText, owner: PlanNodeId, deadline: PlanDate }, { additionalProperties: false });
/** A change of an item's title or deadline: in effect at once when the owner makes it, else when the owner accepts. */
export const ChangeBody = Type.Object({ ...EventFields, ...ItemRef, title: Type.Optional(ItemTitle), deadline: Type.Optional(PlanDate) }, { additionalProperties: false });
/** The owner's answer to an item or change proposed by another member. */
export const AnswerBody = Type.Object({ ...EventFields, ...ProposalRef, answer: Type.Union([Type.Literal('accept'), Type.Literal('decline')]), note: Type.String({ maxLength: 4000 }) }, { additionalProperties: false });
/** The owner's status update of one of its items, with a note. */
export const StatusBody = Type.Object({ ...EventFields, ...ItemRef, status: StatusSchema, note: Note }, { additionalProperties: false });
/** Signed plan events of a group relayed to a member that joined it; each is verified on arrival. */
export const PlanHistoryBody = Type.Object({ group_id: PlanUuid, envelopes: Type.Array(Type.Unknown(), { maxItems: 2000 }) }, { additionalProperties: false });

export type PlanCreatedBody = Static<typeof PlanCreatedBody>;
export type ItemBody = Static<typeof ItemBody>;
export type ChangeBody = Static<typeof ChangeBody>;
export type AnswerBody = Static<typeof AnswerBody>;
export type StatusBody = Static<typeof StatusBody>;
export type PlanHistoryBody = Static<typeof PlanHistoryBody>;
export type PlanEventBody = PlanCreatedBody | ItemBody | ChangeBody | AnswerBody | StatusBody;

export const PlanMessage = {
  plan: 'plans.plan/v1',
  item: 'plans.item/v1',
  change: 'plans.change/v1',
  answer: 'plans.answer/v1',
  status: 'plans.status/v1',
  history: 'plans.history/v1',
} as const;

export const PlanEventType = { plan: 'plan', item: 'item', change: 'change', answer: 'answer', status: 'status' } as const;
export type PlanEventType = (typeof PlanEventType)[keyof typeof PlanEventType];
