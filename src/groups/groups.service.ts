import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { envelopesOf, eventKey } from '../federation/event-log/event-log.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { findPeer } from '../federation/peers.repository.js';
import { newMessageId, signEnvelope, type Envelope, type Signature } from '../federation/protocol/envelope.js';
import { type DbOrTrx, transactionLock } from '../store/db.js';
import type { Agreement } from './agreements.js';
import { listGroupEquivocations, listGroupEventRows, listGroupIds, rowToGroupEvent, storeGroupEvent, type GroupEquivocationRow, type GroupEventRow } from './groups.repository.js';
import { GroupMessage, type Change, type Charter, type GroupLevel } from './groups.schemas.js';
import { answerOf, answerProblem, changeProblem, foldGroup, openProposalForSource, participants, roleIn, type GroupRole, type GroupState, type ProposalState } from './groups.rules.js';

export class NotAGroupMemberError extends AppError {
  override name = 'NotAGroupMemberError';
  constructor(detail: string) {
    super(409, 'not-a-group-member', 'Not a group member', detail);
  }
}

export interface GroupView extends Omit<GroupState, 'ignored' | 'proposals'> {
  id: string;
  my_role: GroupRole;
  proposals: (ProposalState & { awaiting_me: boolean })[];
}

export interface GroupHistoryEntry {
  event_id: string;
  type: string;
  kind: string | null;
  proposal_id: string | null;
  author: string;
  created_at: string;
  received_at: string;
  /** False when the fold ignores the event (a proposal by a non-member, a second founding, an equivocated event). */
  counted: boolean;
  signature: Signature;
  /** The signed envelope this node holds: verifiable with the author's key. */
  envelope: Envelope;
}

/**
 * An author signed two different bodies under one event id: the one held first (in the
 * history) and this one. Neither counts in the group's state; both are kept as evidence.
 */
export interface GroupEquivocation {
  author: string;
  event_id: string;
  /** SHA-256 of the RFC 8785 form of the second body. */
  digest: string;
  received_at: string;
  /** The second signed envelope, verifiable with the author's key. */
  envelope: Envelope;
}

export interface GroupDetail extends GroupView {
  history: GroupHistoryEntry[];
  equivocations: GroupEquivocation[];
}

export interface NewGroup {
  name: string;
  level: GroupLevel;
  charter?: Charter;
  agreement: Agreement;
  /** The other nodes invited (this node is the founder). */
  members: string[];
}

function toView(ctx: NodeContext, id: string, s: GroupState): GroupView {
  const me = ctx.identity.node_id;
  const { ignored: _ignored, proposals, ...rest } = s;
  return {
    id,
    ...rest,
    my_role: roleIn(s, me),
    proposals: proposals.map((p) => ({ ...p, awaiting_me: p.status === 'open' && answerProblem(s, me, p.id) === null && answerOf(s, me, p.id) === null })),
  };
}

interface Loaded {
  rows: GroupEventRow[];
  equivocations: GroupEquivocationRow[];
  state: GroupState;
}

/**
 * Folds a group's events, leaving out every event whose author equivocated on it (signed two
 * bodies under one id): which body a node holds first depends on delivery, so neither counts.
 */
async function foldStored(db: DbOrTrx, groupId: string): Promise<Loaded> {
  const rows = await listGroupEventRows(db, groupId);
  const equivocations = await listGroupEquivocations(db, groupId);
  const equivocated = new Set(equivocations.map((q) => eventKey(q.author, q.event_id)));
  const state = foldGroup(rows.filter((r) => !equivocated.has(eventKey(r.author, r.event_id))).map(rowToGroupEvent));
  return { rows, equivocations, state };
}

async function loadState(db: DbOrTrx, groupId: string): Promise<Loaded> {
  const loaded = await foldStored(db, groupId);
  if (loaded.state.status === 'unknown') throw new NotFoundError(`group ${groupId}`);
  return loaded;
}

function toDetail(ctx: NodeContext, id: string, { rows, equivocations, state: s }: Loaded): GroupDetail {
  const notCounted = new Set([...s.ignored, ...equivocations.map((q) => eventKey(q.author, q.event_id))]);
  const history = rows.map((r) => {
    const envelope = JSON.parse(r.envelope) as Envelope;
    return { event_id: r.event_id, type: r.type, kind: r.kind, proposal_id: r.proposal_id, author: r.author, created_at: r.created_at, received_at: r.received_at, counted: !notCounted.has(eventKey(r.author, r.event_id)), signature: envelope.sig, envelope };
  });
  const shown = equivocations.map((q) => ({ author: q.author, event_id: q.event_id, digest: q.digest, received_at: q.received_at, envelope: JSON.parse(q.envelope) as Envelope }));
  return { ...toView(ctx, id, s), history, equivocations: shown };
}

export async function getGroup(ctx: NodeContext, groupId: string): Promise<GroupDetail> {
  return toDetail(ctx, groupId, await loadState(ctx.store.db, groupId));
}

/** Every group this node founded, belongs to, was invited to or left. */
export async function listGroups(ctx: NodeContext): Promise<GroupView[]> {
  const out: GroupView[] = [];
  for (const id of await listGroupIds(ctx.store.db)) out.push(toView(ctx, id, (await foldStored(ctx.store.db, id)).state));
  return out;
}

/**
 * A key that changes whenever any group's state may change: how many events and equivocations
 * this node holds (both append-only, never deleted). For other capabilities that keep what they
 * folded: read the key first, then fold, and keep the result under that key.
 */
export async function groupLogsHead(db: DbOrTrx): Promise<string> {
  const n = async (t: 'group_events' | 'group_event_equivocations') => Number((await db.selectFrom(t).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  return `${await n('group_events')}:${await n('group_event_equivocations')}`;
}

/**
 * The agreements of the active groups that both `me` and `peer` belong to, read through `db`
 * (a transaction of the caller's, e.g. while a received message is stored), for other capabilities.
 */
export async function agreementsBetween(db: DbOrTrx, me: string, peer: string): Promise<Agreement[]> {
  const out: Agreement[] = [];
  for (const id of await listGroupIds(db)) {
    const s = (await foldStored(db, id)).state;
    if (s.status === 'active' && s.agreement && s.members.includes(me) && s.members.includes(peer)) out.push(s.agreement);
  }
  return out;
}

/** The agreement of an active group this node belongs to, for other capabilities; null otherwise. */
export async function findGroupAgreement(ctx: NodeContext, groupId: string): Promise<Agreement | null> {
  const s = (await foldStored(ctx.store.db, groupId)).state;
  return s.status === 'active' && s.members.includes(ctx.identity.node_id) ? s.agreement : null;
}

async function requirePeers(trx: DbOrTrx, ids: string[], asInput: boolean): Promise<void> {
  for (const id of ids) {
    const p = await findPeer(trx, id);
    if (p && p.status !== 'removed') continue;
    const detail = `${id} is not a peer of this node; add it first (accord peer add)`;
    throw asInput ? new InvalidInputError(detail, { node: id }) : new ConflictError(detail);
  }
}

/**
 * Sends one event to every recipient through the outbox, each copy signed by this node, and
 * keeps a signed copy addressed to all of them as this node's own record of it.
 */
async function emitEvent<B extends { event_id: string; created_at: string }>(ctx: NodeContext, trx: DbOrTrx, type: string, body: B, recipients: string[]): Promise<void> {
  for (const r of recipients) await enqueueMessages(ctx, trx, r, type, [body]);
  const own = signEnvelope(ctx.identity, { v: 1, id: body.event_id, from: ctx.identity.node_id, to: recipients, type, issued_at: body.created_at, body });
  await storeGroupEvent(trx, own);
}

function others(ctx: NodeContext, nodes: string[]): string[] {
  return nodes.filter((n) => n !== ctx.identity.node_id);
}

/** Founds a group: the proposal to the invited nodes, each of which must consent. */
export async function createGroup(ctx: NodeContext, actor: Actor, input: NewGroup): Promise<GroupDetail> {
  const me = ctx.identity.node_id;
  if (input.members.includes(me)) throw new InvalidInputError('list the other members only: this node is the founder');
  const change: Change = { kind: 'create', name: input.name, level: input.level, charter: input.charter ?? { quorum: { kind: 'all' } }, agreement: input.agreement, invitees: [...new Set(input.members)] };
  const problem = changeProblem({ status: 'unknown', level: null, members: [] }, me, change);
  if (problem) throw new InvalidInputError(problem);
  const groupId = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    await requirePeers(trx, change.invitees, true);
    await emitEvent(ctx, trx, GroupMessage.proposal, { event_id: newMessageId(), group_id: groupId, created_at: new Date().toISOString(), change }, change.invitees);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'group.create', target: `group:${groupId}`, details: { name: input.name, level: input.level, invitees: change.invitees, instrument: input.agreement.instrument } });
  });
  return getGroup(ctx, groupId);
}

/** Proposes a change to a group this node belongs to; it takes effect when the members consent. */
export async function proposeChange(ctx: NodeContext, actor: Actor, groupId: string, change: Exclude<Change, { kind: 'create' }>): Promise<GroupDetail & { proposal_id: string }> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  const proposalId = newMessageId();
  await db.transaction().execute(async (trx) => {
    // Proposals of one group take turns on PostgreSQL (SQLite has one writer), so the checks
    // below see every proposal committed before this one.
    if (dialect === 'postgres') await transactionLock(trx, 'groups.propose', groupId);
    const { state, rows } = await loadState(trx, groupId);
    if (!state.members.includes(me)) throw new NotAGroupMemberError(`${me} is not a member of group ${groupId}`);
    const problem = changeProblem(state, me, change);
    if (problem) throw new InvalidInputError(problem);
    const source = change.kind === 'change_agreement' ? change.source : undefined;
    const pending = source ? openProposalForSource(state, source) : null;
    if (pending) throw new ConflictError(`proposal ${pending.id} to put agreement ${source!.statement_id} in force is still open`);
    const target = change.kind === 'add_member' || change.kind === 'remove_member' ? [change.node] : [];
    const recipients = others(ctx, [...new Set([...participants(state), ...target])]);
    await requirePeers(trx, recipients, change.kind === 'add_member');
    await emitEvent(ctx, trx, GroupMessage.proposal, { event_id: proposalId, group_id: groupId, created_at: new Date().toISOString(), change }, recipients);
    if (change.kind === 'add_member') {
      // The invitee cannot verify a group it never saw: relay the signed history, each event
      // still signed by its own author (the invitee checks every signature).
      await enqueueMessages(ctx, trx, change.node, GroupMessage.history, [{ group_id: groupId, envelopes: envelopesOf(rows) }]);
    }
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'group.propose', target: `group:${groupId}`, details: { proposal_id: proposalId, change } });
  });
  return { ...(await getGroup(ctx, groupId)), proposal_id: proposalId };
}

/** Consents to or refuses a proposal. Answering again the same way changes nothing. */
export async function answerProposal(ctx: NodeContext, actor: Actor, groupId: string, proposalId: string, answer: 'consent' | 'refusal', reason?: string): Promise<GroupDetail> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { state } = await loadState(trx, groupId);
    const before = answerOf(state, me, proposalId);
    if (before === answer) return;
    if (before !== null) throw new ConflictError(`this node answered proposal ${proposalId} with a ${before} already`);
    const problem = answerProblem(state, me, proposalId);
    if (problem) {
      if (!state.proposals.some((p) => p.id === proposalId)) throw new NotFoundError(`proposal ${proposalId} in group ${groupId}`);
      throw state.proposals.find((p) => p.id === proposalId)!.status === 'open' ? new NotAGroupMemberError(problem) : new ConflictError(problem);
    }
    const recipients = others(ctx, participants(state));
    await requirePeers(trx, recipients, false);
    // The answer names the proposal's author and body digest: it counts for this proposal only.
    const p = state.proposals.find((x) => x.id === proposalId)!;
    const body = { event_id: newMessageId(), group_id: groupId, created_at: new Date().toISOString(), proposal_id: proposalId, proposal_author: p.author, proposal_digest: p.digest, ...(answer === 'refusal' && reason ? { reason } : {}) };
    await emitEvent(ctx, trx, answer === 'consent' ? GroupMessage.consentV2 : GroupMessage.refusalV2, body, recipients);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: answer === 'consent' ? 'group.consent' : 'group.refuse', target: `group:${groupId}`, details: { proposal_id: proposalId, ...(reason ? { reason } : {}) } });
  });
  return getGroup(ctx, groupId);
}
