import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, invalidFields, NotFoundError } from '../errors.js';
import { eventKey } from '../federation/event-log/event-log.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { newMessageId, signEnvelope, type Envelope, type Signature } from '../federation/protocol/envelope.js';
import { getGroup, type GroupDetail } from '../groups/groups.service.js';
import type { Db, DbOrTrx } from '../store/db.js';
import { findInstrument, hasUnconfirmed, type Instrument } from './plans.instruments.js';
import { groupOfPlan, listPlanEquivocations, listPlanEventRows, listPlanHeads, storePlanEvent, type PlanEventRow } from './plans.repository.js';
import { dayOf, daysOverdue, foldPlan, isOverdue, isRealDay, type ItemState, type Membership, type PlanEvent, type PlanState } from './plans.rules.js';
import { PlanMessage, type ItemStatus, type PlanEventBody } from './plans.schemas.js';

export class NotAPlanMemberError extends AppError {
  override name = 'NotAPlanMemberError';
  constructor(detail: string) {
    super(409, 'not-a-group-member', 'Not a group member', detail);
  }
}

export class NotTheOwnerError extends AppError {
  override name = 'NotTheOwnerError';
  constructor(detail: string) {
    super(409, 'not-the-item-owner', 'Not the item owner', detail);
  }
}

export interface ItemView extends ItemState {
  overdue: boolean;
  days_overdue: number;
  /** False when the owner has left the group: nobody can update the item any more. */
  owner_is_member: boolean;
  /** This node owns it and has not answered the proposal yet. */
  awaiting_me: boolean;
}

export interface PlanSummary {
  id: string;
  group_id: string;
  group_name: string | null;
  title: string;
  instrument: (Instrument & { unconfirmed: boolean }) | null;
  instrument_id: string | null;
  reference: string;
  author: string;
  created_at: string;
  /** `member` may write; `former` (this node left the group) keeps what it had, read only. */
  my_role: 'member' | 'former';
  counts: { items: number; proposed: number; planned: number; in_progress: number; done: number; cancelled: number; overdue: number };
}

export interface PlanHistoryEntry {
  event_id: string;
  type: string;
  author: string;
  created_at: string;
  received_at: string;
  counted: boolean;
  not_counted_because: string | null;
  signature: Signature;
  envelope: Envelope;
}

export interface PlanDetail extends PlanSummary {
  members: string[];
  items: ItemView[];
  history: PlanHistoryEntry[];
}

/** The node context reading through `db` (a transaction): groups' service then reads inside it. */
export function within(ctx: NodeContext, db: DbOrTrx): NodeContext {
  return { ...ctx, store: { ...ctx.store, db: db as Db } };
}

export function membershipOf(g: Pick<GroupDetail, 'members' | 'membership'>): Membership {
  return { members: g.members, history: g.membership.map((m) => ({ at: m.at, node: m.node, change: m.change as 'joined' | 'left' })) };
}

export function rowToPlanEvent(r: PlanEventRow): PlanEvent {
  return { id: r.event_id, author: r.author, created_at: r.created_at, type: r.type, body: (JSON.parse(r.envelope) as Envelope<PlanEventBody>).body };
}

interface Loaded {
  group: GroupDetail;
  rows: PlanEventRow[];
  state: PlanState;
}

/** A group this node may see plans of (a member, or a former member); null otherwise. */
async function visibleGroup(ctx: NodeContext, groupId: string): Promise<GroupDetail | null> {
  try {
    const g = await getGroup(ctx, groupId);
    return g.my_role === 'member' || g.my_role === 'former' ? g : null;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

async function load(ctx: NodeContext, planId: string): Promise<Loaded> {
  const db = ctx.store.db;
  const groupId = await groupOfPlan(db, planId);
  const group = groupId ? await visibleGroup(ctx, groupId) : null;
  if (!groupId || !group) throw new NotFoundError(`plan ${planId}`);
  const rows = await listPlanEventRows(db, planId);
  const equivocated = new Set((await listPlanEquivocations(db, groupId)).map((q) => eventKey(q.author, q.event_id)));
  const state = foldPlan(planId, groupId, rows.filter((r) => !equivocated.has(eventKey(r.author, r.event_id))).map(rowToPlanEvent), membershipOf(group));
  for (const k of equivocated) if (rows.some((r) => eventKey(r.author, r.event_id) === k)) state.ignored.set(k, 'its author signed two different bodies under this event id');
  if (state.author === null) throw new NotFoundError(`plan ${planId}`);
  return { group, rows, state };
}

function itemView(ctx: NodeContext, g: GroupDetail, it: ItemState, today: string): ItemView {
  return { ...it, overdue: isOverdue(it, today), days_overdue: daysOverdue(it, today), owner_is_member: g.members.includes(it.owner), awaiting_me: it.acceptance === 'proposed' && it.owner === ctx.identity.node_id };
}

function summaryOf(g: GroupDetail, s: PlanState, today: string): PlanSummary {
  const inEffect = s.items.filter((i) => i.acceptance === 'accepted');
  const instrument = s.instrument ? findInstrument(s.instrument) : undefined;
  return {
    id: s.id,
    group_id: s.group_id,
    group_name: g.name,
    title: s.title!,
    instrument: instrument ? { ...instrument, unconfirmed: hasUnconfirmed(instrument) } : null,
    instrument_id: s.instrument,
    reference: s.reference,
    author: s.author!,
    created_at: s.created_at!,
    my_role: g.my_role === 'member' ? 'member' : 'former',
    counts: {
      items: inEffect.length,
      proposed: s.items.filter((i) => i.acceptance === 'proposed').length,
      planned: inEffect.filter((i) => i.status === 'planned').length,
      in_progress: inEffect.filter((i) => i.status === 'in_progress').length,
      done: inEffect.filter((i) => i.status === 'done').length,
      cancelled: inEffect.filter((i) => i.status === 'cancelled').length,
      overdue: inEffect.filter((i) => isOverdue(i, today)).length,
    },
  };
}

function detailOf(ctx: NodeContext, { group, rows, state }: Loaded, now = new Date()): PlanDetail {
  const today = dayOf(now);
  const history = rows.map((r) => {
    const envelope = JSON.parse(r.envelope) as Envelope;
    const why = state.ignored.get(eventKey(r.author, r.event_id)) ?? null;
    return { event_id: r.event_id, type: r.type, author: r.author, created_at: r.created_at, received_at: r.received_at, counted: why === null, not_counted_because: why, signature: envelope.sig, envelope };
  });
  return { ...summaryOf(group, state, today), members: group.members, items: state.items.map((i) => itemView(ctx, group, i, today)), history };
}

export async function getPlan(ctx: NodeContext, planId: string, now = new Date()): Promise<PlanDetail> {
  return detailOf(ctx, await load(ctx, planId), now);
}

/** Every plan of the groups this node belongs to or left, oldest first; `group` narrows to one group. */
export async function listPlans(ctx: NodeContext, query: { group?: string } = {}, now = new Date()): Promise<PlanSummary[]> {
  const out: PlanSummary[] = [];
  for (const h of await listPlanHeads(ctx.store.db)) {
    if (query.group && h.group_id !== query.group) continue;
    try {
      const l = await load(ctx, h.plan_id);
      out.push(summaryOf(l.group, l.state, dayOf(now)));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return out;
}

/** Every item of every plan this node sees, with its plan: for the desk and the lists of overdue items. */
export async function listPlanDetails(ctx: NodeContext, now = new Date()): Promise<PlanDetail[]> {
  const out: PlanDetail[] = [];
  for (const h of await listPlanHeads(ctx.store.db)) {
    try {
      out.push(detailOf(ctx, await load(ctx, h.plan_id), now));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return out;
}

/**
 * Sends one event to every other member through the outbox (each copy signed by this node)
 * and keeps a signed copy addressed to all of them as this node's own record.
 */
async function emit(ctx: NodeContext, trx: DbOrTrx, type: string, body: PlanEventBody, members: readonly string[]): Promise<void> {
  const recipients = members.filter((m) => m !== ctx.identity.node_id);
  for (const r of recipients) await enqueueMessages(ctx, trx, r, type, [body]);
  await storePlanEvent(trx, signEnvelope(ctx.identity, { v: 1, id: body.event_id, from: ctx.identity.node_id, to: recipients, type, issued_at: body.created_at, body }));
}

/** The group, when this node is a member now: it may write. */
async function writableGroup(ctx: NodeContext, trx: DbOrTrx, groupId: string): Promise<GroupDetail> {
  const g = await getGroup(within(ctx, trx), groupId);
  if (g.status !== 'active' || !g.members.includes(ctx.identity.node_id)) throw new NotAPlanMemberError(`${ctx.identity.node_id} is not a member of group ${groupId}: only members write to its plans`);
  return g;
}

/** The plan for a write, in the transaction: its group must have this node as a member. */
async function loadForWrite(ctx: NodeContext, trx: DbOrTrx, planId: string): Promise<Loaded> {
  const l = await load(within(ctx, trx), planId);
  await writableGroup(ctx, trx, l.group.id);
  return l;
}

export interface NewPlan {
  group_id: string;
  title: string;
  instrument?: string | null;
  reference?: string;
}

/** Founds a plan of a group this node belongs to; it goes to every other member. */
export async function createPlan(ctx: NodeContext, actor: Actor, input: NewPlan): Promise<PlanDetail> {
  const instrument = input.instrument ?? null;
  if (instrument !== null && !findInstrument(instrument)) throw invalidFields([{ pointer: '/instrument', code: 'enum', message: 'not an agreement this node knows', allowed: ['sco-2009', 'cis-2018'] }]);
  const planId = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const g = await writableGroup(ctx, trx, input.group_id).catch((e: unknown) => {
      if (e instanceof NotFoundError) throw invalidFields([{ pointer: '/group_id', code: 'invalid', message: 'no such group on this node' }]);
      throw e;
    });
    const body = { event_id: planId, created_at: new Date().toISOString(), group_id: g.id, plan_id: planId, title: input.title, instrument, reference: input.reference ?? '' };
    await emit(ctx, trx, PlanMessage.plan, body, g.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'plan.create', target: `plan:${planId}`, details: { group_id: g.id, title: input.title, instrument } });
  });
  return getPlan(ctx, planId);
}

export interface NewItem {
  title: string;
  description?: string;
  owner: string;
  deadline: string;
}

/** Adds an item: in effect at once when this node owns it, else proposed to its owner. */
export async function addItem(ctx: NodeContext, actor: Actor, planId: string, input: NewItem): Promise<PlanDetail & { item_id: string }> {
  if (!isRealDay(input.deadline)) throw invalidFields([{ pointer: '/deadline', code: 'invalid', message: 'not a calendar day' }]);
  const itemId = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group } = await loadForWrite(ctx, trx, planId);
    if (!group.members.includes(input.owner)) throw invalidFields([{ pointer: '/owner', code: 'enum', message: 'the owner must be a member of the group', allowed: group.members }]);
    const body = { event_id: itemId, created_at: new Date().toISOString(), group_id: group.id, plan_id: planId, title: input.title, description: input.description ?? '', owner: input.owner, deadline: input.deadline };
    await emit(ctx, trx, PlanMessage.item, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'plan.item_add', target: `plan:${planId}`, details: { item_id: itemId, owner: input.owner, deadline: input.deadline } });
  });
  return { ...(await getPlan(ctx, planId)), item_id: itemId };
}

function findItem(state: PlanState, itemId: string): ItemState {
  const it = state.items.find((i) => i.id === itemId);
  if (!it) throw new NotFoundError(`item ${itemId} of plan ${state.id}`);
  return it;
}

/** Changes an item's title or deadline: at once when this node owns it, else proposed to the owner. */
export async function changeItem(ctx: NodeContext, actor: Actor, planId: string, itemId: string, input: { title?: string; deadline?: string }): Promise<PlanDetail & { change_id: string }> {
  if (input.title === undefined && input.deadline === undefined) throw invalidFields([{ pointer: '', code: 'required', message: 'change the title, the deadline or both' }]);
  if (input.deadline !== undefined && !isRealDay(input.deadline)) throw invalidFields([{ pointer: '/deadline', code: 'invalid', message: 'not a calendar day' }]);
  const changeId = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, planId);
    const it = findItem(state, itemId);
    if (it.acceptance !== 'accepted') throw new ConflictError(`item ${itemId} is ${it.acceptance}, not in effect`);
    const body = { event_id: changeId, created_at: new Date().toISOString(), group_id: group.id, plan_id: planId, item_id: it.id, item_author: it.author, ...(input.title !== undefined ? { title: input.title } : {}), ...(input.deadline !== undefined ? { deadline: input.deadline } : {}) };
    await emit(ctx, trx, PlanMessage.change, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'plan.item_change', target: `plan:${planId}`, details: { item_id: itemId, change_id: changeId, ...input } });
  });
  return { ...(await getPlan(ctx, planId)), change_id: changeId };
}

/** The owner's answer to an item or a change proposed to it by another member. */
export async function answerProposal(ctx: NodeContext, actor: Actor, planId: string, proposalId: string, input: { answer: 'accept' | 'decline'; note?: string }): Promise<PlanDetail> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, planId);
    const item = state.items.find((i) => i.id === proposalId);
    const change = state.items.flatMap((i) => i.changes.map((c) => ({ item: i, change: c }))).find((x) => x.change.id === proposalId);
    if (!item && !change) throw new NotFoundError(`proposal ${proposalId} of plan ${planId}`);
    const owner = item ? item.owner : change!.item.owner;
    if (owner !== me) throw new NotTheOwnerError(`only the owner ${owner} answers proposal ${proposalId}`);
    const open = item ? item.acceptance === 'proposed' : change!.change.status === 'open';
    if (!open) throw new ConflictError(`proposal ${proposalId} was answered already`);
    const author = item ? item.author : change!.change.author;
    const body = { event_id: newMessageId(), created_at: new Date().toISOString(), group_id: group.id, plan_id: planId, proposal_id: proposalId, proposal_author: author, answer: input.answer, note: input.note ?? '' };
    await emit(ctx, trx, PlanMessage.answer, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'plan.answer', target: `plan:${planId}`, details: { proposal_id: proposalId, answer: input.answer } });
  });
  return getPlan(ctx, planId);
}

/** The owner's status update of its item, with a note; it goes to every member. */
export async function publishStatus(ctx: NodeContext, actor: Actor, planId: string, itemId: string, input: { status: ItemStatus; note: string }): Promise<PlanDetail> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, planId);
    const it = findItem(state, itemId);
    if (it.owner !== me) throw new NotTheOwnerError(`only the owner ${it.owner} publishes the status of item ${itemId}`);
    if (it.acceptance !== 'accepted') throw new ConflictError(`item ${itemId} is ${it.acceptance}, not in effect`);
    const body = { event_id: newMessageId(), created_at: new Date().toISOString(), group_id: group.id, plan_id: planId, item_id: it.id, item_author: it.author, status: input.status, note: input.note };
    await emit(ctx, trx, PlanMessage.status, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'plan.status', target: `plan:${planId}`, details: { item_id: itemId, status: input.status } });
  });
  return getPlan(ctx, planId);
}
