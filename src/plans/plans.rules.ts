import { eventKey, foldOrder } from '../federation/event-log/event-log.rules.js';
import type { AnswerBody, ChangeBody, ItemBody, ItemStatus, PlanCreatedBody, PlanEventBody, StatusBody } from './plans.schemas.js';

/**
 * The state of a plan as a pure fold over its signed events.
 *
 * Rules (docs/plans.md): any member of the group founds a plan; any member adds items. An item
 * whose author is its owner is in effect at once; an item proposed for another member waits
 * for that owner's acceptance (or is declined). A change of an item's title or deadline is in
 * effect at once when the owner makes it, otherwise when the owner accepts it. Only an item's
 * owner publishes its status updates, each with a note. An event counts only when its author
 * is a member of the group now, or was one when it signed the event (so what a member that left
 * wrote while it was a member still counts, and nothing it writes after).
 *
 * Algorithm: events are taken in the shared log's fold order ((created_at, id, author): the
 * order depends only on the set of events). Pass 1 takes the plan's founding event (the first
 * counted `plan` event whose plan id is its own id) and the items (an item id is its event id;
 * the first item under an id wins). Pass 2 registers every change proposal, so that an answer
 * whose clock ran behind its proposal's still finds it. Pass 3 applies, in fold order, the
 * owners' own changes, the answers and the status updates; an answer counts once (the first).
 * The same events give the same state on every node, whatever their arrival order.
 */

export interface PlanEvent {
  id: string;
  author: string;
  created_at: string;
  type: 'plan' | 'item' | 'change' | 'answer' | 'status';
  body: PlanEventBody;
}

/** The group's membership as groups folds it: current members and every join and leave. */
export interface Membership {
  members: readonly string[];
  history: readonly { at: string; node: string; change: 'joined' | 'left' }[];
}

export const Acceptance = { accepted: 'accepted', proposed: 'proposed', declined: 'declined' } as const;
export type Acceptance = (typeof Acceptance)[keyof typeof Acceptance];

export interface StatusUpdate {
  event_id: string;
  at: string;
  status: ItemStatus;
  note: string;
}

export interface ChangeState {
  id: string;
  author: string;
  created_at: string;
  title?: string;
  deadline?: string;
  /** `open` until the owner answers; the owner's own changes are `accepted` at once. */
  status: 'open' | 'accepted' | 'declined';
  answered_at: string | null;
  note: string | null;
}

export interface ItemState {
  id: string;
  author: string;
  created_at: string;
  title: string;
  description: string;
  owner: string;
  deadline: string;
  acceptance: Acceptance;
  answered_at: string | null;
  answer_note: string | null;
  status: ItemStatus;
  updates: StatusUpdate[];
  changes: ChangeState[];
}

export interface PlanState {
  id: string;
  group_id: string;
  /** null until the founding event is held (events of a plan can arrive before it). */
  title: string | null;
  instrument: string | null;
  reference: string;
  author: string | null;
  created_at: string | null;
  items: ItemState[];
  /** Events that take no part, by key (eventKey), with why. */
  ignored: Map<string, string>;
}

/** Whether `node` may write to the group at `at`: a member now, or a member at that time. */
export function mayWrite(m: Membership, node: string, at: string): boolean {
  if (m.members.includes(node)) return true;
  let since: string | null = null;
  for (const h of [...m.history].filter((x) => x.node === node).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    if (h.change === 'joined') since = h.at;
    else if (since !== null) {
      if (since <= at && at <= h.at) return true;
      since = null;
    }
  }
  return false;
}

/** The plan's state from its events (any order, duplicates allowed); see the header. */
export function foldPlan(planId: string, groupId: string, events: readonly PlanEvent[], m: Membership): PlanState {
  const s: PlanState = { id: planId, group_id: groupId, title: null, instrument: null, reference: '', author: null, created_at: null, items: [], ignored: new Map() };
  const ordered = foldOrder(events.filter((e) => e.body.plan_id === planId && e.body.group_id === groupId));
  const ignore = (e: PlanEvent, why: string) => s.ignored.set(eventKey(e.author, e.id), why);
  const items = new Map<string, ItemState>();
  const changes = new Map<string, { item: ItemState; change: ChangeState }>();

  // Pass 1: the founding event and the items.
  for (const e of ordered) {
    if (e.type !== 'plan' && e.type !== 'item') continue;
    if (!mayWrite(m, e.author, e.created_at)) {
      ignore(e, `${e.author} was not a member of the group`);
      continue;
    }
    if (e.type === 'plan') {
      const b = e.body as PlanCreatedBody;
      if (b.plan_id !== e.id) ignore(e, 'a plan is founded by the event that bears its id');
      else if (s.author !== null) ignore(e, 'the plan was founded already');
      else Object.assign(s, { title: b.title, instrument: b.instrument, reference: b.reference, author: e.author, created_at: e.created_at });
      continue;
    }
    const b = e.body as ItemBody;
    if (items.has(e.id)) {
      ignore(e, `an item ${e.id} exists already`);
      continue;
    }
    if (!mayWrite(m, b.owner, e.created_at)) {
      ignore(e, `the owner ${b.owner} was not a member of the group`);
      continue;
    }
    const own = b.owner === e.author;
    const item: ItemState = {
      id: e.id, author: e.author, created_at: e.created_at, title: b.title, description: b.description, owner: b.owner, deadline: b.deadline,
      acceptance: own ? 'accepted' : 'proposed', answered_at: own ? e.created_at : null, answer_note: null, status: 'planned', updates: [], changes: [],
    };
    items.set(e.id, item);
    s.items.push(item);
  }
  const itemOf = (id: string, author: string) => {
    const it = items.get(id);
    return it && it.author === author ? it : undefined;
  };

  // Pass 2: the change proposals.
  for (const e of ordered) {
    if (e.type !== 'change') continue;
    const b = e.body as ChangeBody;
    const item = itemOf(b.item_id, b.item_author);
    if (!mayWrite(m, e.author, e.created_at)) ignore(e, `${e.author} was not a member of the group`);
    else if (!item) ignore(e, `no item ${b.item_id} by ${b.item_author}`);
    else if (b.title === undefined && b.deadline === undefined) ignore(e, 'the change changes nothing');
    else {
      const change: ChangeState = { id: e.id, author: e.author, created_at: e.created_at, ...(b.title !== undefined ? { title: b.title } : {}), ...(b.deadline !== undefined ? { deadline: b.deadline } : {}), status: 'open', answered_at: null, note: null };
      item.changes.push(change);
      changes.set(eventKey(e.author, e.id), { item, change });
    }
  }

  // Pass 3: what takes effect, in fold order.
  const applyChange = (item: ItemState, c: ChangeState) => {
    if (c.title !== undefined) item.title = c.title;
    if (c.deadline !== undefined) item.deadline = c.deadline;
  };
  for (const e of ordered) {
    if (e.type === 'change') {
      const found = changes.get(eventKey(e.author, e.id));
      if (found && found.item.owner === e.author) {
        if (found.item.acceptance !== 'accepted') {
          ignore(e, 'the item is not in effect');
          found.item.changes = found.item.changes.filter((c) => c !== found.change);
          continue;
        }
        Object.assign(found.change, { status: 'accepted', answered_at: e.created_at });
        applyChange(found.item, found.change);
      }
    } else if (e.type === 'answer') {
      const b = e.body as AnswerBody;
      if (!mayWrite(m, e.author, e.created_at)) {
        ignore(e, `${e.author} was not a member of the group`);
        continue;
      }
      const item = itemOf(b.proposal_id, b.proposal_author);
      const change = changes.get(eventKey(b.proposal_author, b.proposal_id));
      if (item) {
        if (item.owner !== e.author) ignore(e, `only the owner ${item.owner} answers`);
        else if (item.acceptance !== 'proposed') ignore(e, 'the item was answered already');
        else Object.assign(item, { acceptance: b.answer === 'accept' ? 'accepted' : 'declined', answered_at: e.created_at, answer_note: b.note || null });
      } else if (change) {
        if (change.item.owner !== e.author) ignore(e, `only the owner ${change.item.owner} answers`);
        else if (change.change.status !== 'open') ignore(e, 'the change was answered already');
        else if (change.item.acceptance !== 'accepted') ignore(e, 'the item is not in effect');
        else {
          Object.assign(change.change, { status: b.answer === 'accept' ? 'accepted' : 'declined', answered_at: e.created_at, note: b.note || null });
          if (b.answer === 'accept') applyChange(change.item, change.change);
        }
      } else ignore(e, `no proposal ${b.proposal_id} by ${b.proposal_author}`);
    } else if (e.type === 'status') {
      const b = e.body as StatusBody;
      const item = itemOf(b.item_id, b.item_author);
      if (!mayWrite(m, e.author, e.created_at)) ignore(e, `${e.author} was not a member of the group`);
      else if (!item) ignore(e, `no item ${b.item_id} by ${b.item_author}`);
      else if (item.owner !== e.author) ignore(e, `only the owner ${item.owner} publishes its status`);
      else if (item.acceptance !== 'accepted') ignore(e, 'the item is not in effect');
      else {
        item.updates.push({ event_id: e.id, at: e.created_at, status: b.status, note: b.note });
        item.status = b.status;
      }
    }
  }
  return s;
}

/** Today as a calendar day (UTC). */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** An item in effect, not done nor cancelled, whose deadline day has passed. */
export function isOverdue(item: Pick<ItemState, 'acceptance' | 'status' | 'deadline'>, today: string): boolean {
  return item.acceptance === 'accepted' && (item.status === 'planned' || item.status === 'in_progress') && item.deadline < today;
}

/** Whole days past the deadline (0 when not overdue). */
export function daysOverdue(item: Pick<ItemState, 'acceptance' | 'status' | 'deadline'>, today: string): number {
  return isOverdue(item, today) ? Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${item.deadline}T00:00:00Z`)) / 86_400_000) : 0;
}

/** Whether a YYYY-MM-DD string names a real calendar day. */
export function isRealDay(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}
