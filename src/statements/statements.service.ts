import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, InvalidInputError, invalidFields, NotFoundError } from '../errors.js';
import { eventKey } from '../federation/event-log/event-log.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { newMessageId, signEnvelope, type Envelope, type Signature } from '../federation/protocol/envelope.js';
import type { Agreement } from '../groups/agreements.js';
import { getGroup, proposeChange, type GroupDetail } from '../groups/groups.service.js';
import type { Db, DbOrTrx } from '../store/db.js';
import { groupOfStatement, listStatementEquivocations, listStatementEventRows, listStatementHeads, storeStatementEvent, type StatementEventRow } from './statements.repository.js';
import { coSignedDocument, foldStatement, signableDocument, signedBytes, verifyStatementDocument, type StatementDocument, type StatementEvent, type StatementState, type Voters, type VerifyResult } from './statements.rules.js';
import { StatementMessage, type StatementEventBody, type StatementKind } from './statements.schemas.js';
import { signEd25519 } from '../crypto/ed25519.js';

export class NotAStatementMemberError extends AppError {
  override name = 'NotAStatementMemberError';
  constructor(detail: string) {
    super(409, 'not-a-group-member', 'Not a group member', detail);
  }
}

export class StaleVersionError extends AppError {
  override name = 'StaleVersionError';
  constructor(detail: string) {
    super(409, 'stale-version', 'Not the current version', detail);
  }
}

/** One event of a statement's signed history, without its envelope (the detail carries the latest of these). */
export interface StatementHistoryEntry {
  event_id: string;
  type: string;
  author: string;
  created_at: string;
  received_at: string;
  counted: boolean;
  not_counted_because: string | null;
  signature: Signature;
}

/** One event of the signed history with the envelope its author signed (GET …/history, for audit and export). */
export interface SignedHistoryEntry extends StatementHistoryEntry {
  envelope: Envelope;
}

/** The latest events the detail carries; the whole signed history is paged at GET …/history. */
export const DETAIL_HISTORY = 20;
/** Events per page of GET …/history: by default, and at most. */
export const HISTORY_PAGE = 100;
export const HISTORY_PAGE_MAX = 500;

export interface HistoryPage {
  total: number;
  entries: SignedHistoryEntry[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

export type StatementView = Omit<StatementState, 'ignored' | 'kind' | 'title' | 'author' | 'created_at' | 'digest'> & {
  kind: StatementKind;
  title: string;
  author: string;
  created_at: string;
  digest: string;
  group_name: string | null;
  members: string[];
  my_role: 'member' | 'former';
  /** This node has consented to adopting the current version. */
  i_consented: boolean;
  /** This node must still sign the adopted document. */
  i_must_sign: boolean;
  /** For an agreement: the latest proposal to put its adopted terms in force for the group, and whether they are. */
  in_force: InForce | null;
};

/** The group's latest proposal to make an adopted agreement the group's agreement (src/groups), as this node folds it. */
export interface InForce {
  proposal_id: string;
  proposed_by: string;
  proposed_at: string;
  /** open (collecting consents), adopted (in force, or replaced since), refused or void. */
  status: string;
  consents: string[];
  needed: number;
  /** When the terms came into force, and when a later agreement replaced them. */
  since: string | null;
  until: string | null;
  agreement: Agreement;
}

/** The terms an adopted agreement puts in force: what requests between the members are checked against. */
export type AgreementTerms = Omit<Agreement, 'title' | 'instrument'>;

export type StatementSummary = Pick<StatementView, 'id' | 'group_id' | 'group_name' | 'kind' | 'title' | 'author' | 'created_at' | 'digest' | 'status' | 'needed' | 'parties' | 'my_role'> & { languages: string[]; open_amendments: number; signed_by: string[] };

export interface StatementDetail extends StatementView {
  /** The latest DETAIL_HISTORY events, oldest first, without their envelopes. */
  history: StatementHistoryEntry[];
  /** How many events the signed history holds (GET …/history pages them with their envelopes). */
  history_total: number;
}

export function within(ctx: NodeContext, db: DbOrTrx): NodeContext {
  return { ...ctx, store: { ...ctx.store, db: db as Db } };
}

export function votersOf(g: Pick<GroupDetail, 'members' | 'membership' | 'charter'>): Voters {
  return { members: g.members, history: g.membership.map((m) => ({ at: m.at, node: m.node, change: m.change })), quorum: g.charter.quorum };
}

export function rowToStatementEvent(r: StatementEventRow, envelope: Envelope<StatementEventBody> = JSON.parse(r.envelope) as Envelope<StatementEventBody>): StatementEvent {
  return { id: r.event_id, author: r.author, created_at: r.created_at, type: r.type, body: envelope.body, sig_key: r.sig_key };
}

interface Loaded {
  group: GroupDetail;
  rows: StatementEventRow[];
  /** Each row's envelope, parsed once. */
  envelopes: Envelope<StatementEventBody>[];
  state: StatementState;
}

async function visibleGroup(ctx: NodeContext, groupId: string): Promise<GroupDetail | null> {
  try {
    const g = await getGroup(ctx, groupId);
    return g.my_role === 'member' || g.my_role === 'former' ? g : null;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function load(ctx: NodeContext, statementId: string): Promise<Loaded> {
  const db = ctx.store.db;
  const groupId = await groupOfStatement(db, statementId);
  const group = groupId ? await visibleGroup(ctx, groupId) : null;
  if (!groupId || !group) throw new NotFoundError(`statement ${statementId}`);
  // The history's order, the same on either database: (created_at, event_id, author).
  const rows = (await listStatementEventRows(db, statementId)).sort((a, b) => cmp(a.created_at, b.created_at) || cmp(a.event_id, b.event_id) || cmp(a.author, b.author));
  const envelopes = rows.map((r) => JSON.parse(r.envelope) as Envelope<StatementEventBody>);
  const equivocated = new Set((await listStatementEquivocations(db, groupId)).map((q) => eventKey(q.author, q.event_id)));
  const events = equivocated.size === 0 ? rows.map((r, i) => rowToStatementEvent(r, envelopes[i])) : rows.flatMap((r, i) => (equivocated.has(eventKey(r.author, r.event_id)) ? [] : [rowToStatementEvent(r, envelopes[i])]));
  const state = foldStatement(statementId, groupId, events, votersOf(group));
  for (const k of equivocated) if (rows.some((r) => eventKey(r.author, r.event_id) === k)) state.ignored.set(k, 'its author signed two different bodies under this event id');
  if (state.author === null) throw new NotFoundError(`statement ${statementId}`);
  return { group, rows, envelopes, state };
}

function viewOf(ctx: NodeContext, g: GroupDetail, s: StatementState): StatementView {
  const me = ctx.identity.node_id;
  const { ignored: _ignored, ...rest } = s;
  return {
    ...rest,
    kind: s.kind!,
    title: s.title!,
    author: s.author!,
    created_at: s.created_at!,
    digest: s.digest!,
    group_name: g.name,
    members: g.members,
    my_role: g.my_role === 'member' ? 'member' : 'former',
    i_consented: (s.consents[s.digest!] ?? []).includes(me),
    i_must_sign: s.status === 'adopted' && s.parties.includes(me) && !s.signatures.some((x) => x.node === me),
    in_force: inForceOf(g, s.id),
  };
}

function inForceOf(g: GroupDetail, statementId: string): InForce | null {
  const p = [...g.proposals].reverse().find((x) => x.change.kind === 'change_agreement' && x.change.source?.statement_id === statementId);
  if (!p || p.change.kind !== 'change_agreement') return null;
  const held = g.agreements.find((a) => a.proposal_id === p.id);
  return { proposal_id: p.id, proposed_by: p.author, proposed_at: p.created_at, status: p.status, consents: p.consents, needed: p.needed, since: held?.since ?? null, until: held?.until ?? null, agreement: p.change.agreement };
}

function summaryOf(v: StatementView): StatementSummary {
  return {
    id: v.id, group_id: v.group_id, group_name: v.group_name, kind: v.kind, title: v.title, author: v.author, created_at: v.created_at, digest: v.digest, status: v.status, needed: v.needed, parties: v.parties, my_role: v.my_role,
    languages: Object.keys(v.texts).sort(), open_amendments: v.amendments.filter((a) => a.status === 'open').length, signed_by: v.signatures.map((x) => x.node),
  };
}

function historyEntry(r: StatementEventRow, envelope: Envelope, state: StatementState): StatementHistoryEntry {
  const why = state.ignored.get(eventKey(r.author, r.event_id)) ?? null;
  return { event_id: r.event_id, type: r.type, author: r.author, created_at: r.created_at, received_at: r.received_at, counted: why === null, not_counted_because: why, signature: envelope.sig };
}

function detailOf(ctx: NodeContext, { group, rows, envelopes, state }: Loaded): StatementDetail {
  const from = Math.max(0, rows.length - DETAIL_HISTORY);
  const history = rows.slice(from).map((r, i) => historyEntry(r, envelopes[from + i]!, state));
  return { ...viewOf(ctx, group, state), history, history_total: rows.length };
}

export async function getStatement(ctx: NodeContext, statementId: string): Promise<StatementDetail> {
  return detailOf(ctx, await load(ctx, statementId));
}

/** A place in the signed history's order (created_at, event_id, author), as `after` carries it. */
type HistoryCursor = [string, string, string];

export function encodeHistoryCursor(r: Pick<StatementEventRow, 'created_at' | 'event_id' | 'author'>): string {
  return Buffer.from(JSON.stringify([r.created_at, r.event_id, r.author]), 'utf8').toString('base64url');
}

export function decodeHistoryCursor(s: string): HistoryCursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(c) && c.length === 3 && c.every((x) => typeof x === 'string') ? (c as HistoryCursor) : null;
  } catch {
    return null;
  }
}

/**
 * The statement's signed history, oldest first, a page at a time: each event with the envelope
 * its author signed and whether it counts (and why not). `after` is the `next` of the page before.
 */
export async function getStatementHistory(ctx: NodeContext, statementId: string, query: { limit?: number; after?: string } = {}): Promise<HistoryPage> {
  const after = query.after === undefined ? null : decodeHistoryCursor(query.after);
  if (query.after !== undefined && !after) throw new InvalidInputError('after is not a position this node gave out (the `next` of a page)');
  const limit = Math.min(Math.max(query.limit ?? HISTORY_PAGE, 1), HISTORY_PAGE_MAX);
  const { rows, envelopes, state } = await load(ctx, statementId);
  let start = 0;
  if (after) {
    const past = (r: StatementEventRow) => (cmp(r.created_at, after[0]) || cmp(r.event_id, after[1]) || cmp(r.author, after[2])) > 0;
    while (start < rows.length && !past(rows[start]!)) start++;
  }
  const end = Math.min(start + limit, rows.length);
  const entries = rows.slice(start, end).map((r, i) => ({ ...historyEntry(r, envelopes[start + i]!, state), envelope: envelopes[start + i]! }));
  return { total: rows.length, entries, next: end < rows.length && end > start ? encodeHistoryCursor(rows[end - 1]!) : null };
}

/** Every statement of the groups this node belongs to or left, oldest first; `group` narrows to one group. */
export async function listStatements(ctx: NodeContext, query: { group?: string } = {}): Promise<StatementSummary[]> {
  const out: StatementSummary[] = [];
  for (const h of await listStatementHeads(ctx.store.db)) {
    if (query.group && h.group_id !== query.group) continue;
    try {
      const l = await load(ctx, h.statement_id);
      out.push(summaryOf(viewOf(ctx, l.group, l.state)));
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  return out;
}

/** The co-signed document of an adopted statement (texts, hashes, every signature so far). */
export async function getStatementDocument(ctx: NodeContext, statementId: string): Promise<StatementDocument> {
  const { state } = await load(ctx, statementId);
  const doc = coSignedDocument(state);
  if (!doc) throw new ConflictError(`statement ${statementId} is not adopted: it has no co-signed document yet`);
  return doc;
}

/** The stored co-signed document checked as anyone would check it offline. */
export async function verifyStoredDocument(ctx: NodeContext, statementId: string): Promise<VerifyResult> {
  return verifyStatementDocument(await getStatementDocument(ctx, statementId));
}

/** Sends one event to every other member through the outbox and keeps a signed copy as this node's own record. */
async function emit(ctx: NodeContext, trx: DbOrTrx, type: string, body: StatementEventBody, members: readonly string[]): Promise<void> {
  const recipients = members.filter((m) => m !== ctx.identity.node_id);
  for (const r of recipients) await enqueueMessages(ctx, trx, r, type, [body]);
  await storeStatementEvent(trx, signEnvelope(ctx.identity, { v: 1, id: body.event_id, from: ctx.identity.node_id, to: recipients, type, issued_at: body.created_at, body }));
}

async function writableGroup(ctx: NodeContext, trx: DbOrTrx, groupId: string): Promise<GroupDetail> {
  const g = await getGroup(within(ctx, trx), groupId);
  if (g.status !== 'active' || !g.members.includes(ctx.identity.node_id)) throw new NotAStatementMemberError(`${ctx.identity.node_id} is not a member of group ${groupId}: only members draft its statements`);
  return g;
}

async function loadForWrite(ctx: NodeContext, trx: DbOrTrx, statementId: string): Promise<Loaded> {
  const l = await load(within(ctx, trx), statementId);
  await writableGroup(ctx, trx, l.group.id);
  return l;
}

function notAdopted(s: StatementState): void {
  if (s.status === 'adopted') throw new ConflictError(`statement ${s.id} was adopted: its text no longer changes`);
}

function current(s: StatementState, digest: string, pointer: string): void {
  if (digest !== s.digest) throw new StaleVersionError(`${pointer.slice(1)} ${digest} is not the current version ${s.digest}`);
}

export interface NewStatement {
  group_id: string;
  kind: StatementKind;
  title: string;
  texts: Record<string, string>;
}

/** Drafts a statement or agreement of a group this node belongs to; it goes to every other member. */
export async function createStatement(ctx: NodeContext, actor: Actor, input: NewStatement): Promise<StatementDetail> {
  const id = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const g = await writableGroup(ctx, trx, input.group_id).catch((e: unknown) => {
      if (e instanceof NotFoundError) throw invalidFields([{ pointer: '/group_id', code: 'invalid', message: 'no such group on this node' }]);
      throw e;
    });
    const body = { event_id: id, created_at: new Date().toISOString(), group_id: g.id, statement_id: id, kind: input.kind, title: input.title, texts: input.texts };
    await emit(ctx, trx, StatementMessage.statement, body, g.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'statement.create', target: `statement:${id}`, details: { group_id: g.id, kind: input.kind, title: input.title, languages: Object.keys(input.texts).sort() } });
  });
  return getStatement(ctx, id);
}

/** Proposes new texts for some language versions of the version named by its digest. */
export async function amendStatement(ctx: NodeContext, actor: Actor, statementId: string, input: { base_digest: string; texts: Record<string, string> }): Promise<StatementDetail & { amendment_id: string }> {
  const id = newMessageId();
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, statementId);
    notAdopted(state);
    current(state, input.base_digest, '/base_digest');
    if (Object.entries(input.texts).every(([l, t]) => state.texts[l] === t)) throw invalidFields([{ pointer: '/texts', code: 'invalid', message: 'the amendment changes no language version' }]);
    const body = { event_id: id, created_at: new Date().toISOString(), group_id: group.id, statement_id: statementId, base_digest: input.base_digest, texts: input.texts };
    await emit(ctx, trx, StatementMessage.amendment, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'statement.amend', target: `statement:${statementId}`, details: { amendment_id: id, base_digest: input.base_digest, languages: Object.keys(input.texts).sort() } });
  });
  return { ...(await getStatement(ctx, statementId)), amendment_id: id };
}

/** This node's answer to an open amendment. */
export async function answerAmendment(ctx: NodeContext, actor: Actor, statementId: string, amendmentId: string, input: { answer: 'accept' | 'refuse'; reason?: string }): Promise<StatementDetail> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, statementId);
    const a = state.amendments.find((x) => x.id === amendmentId);
    if (!a) throw new NotFoundError(`amendment ${amendmentId} of statement ${statementId}`);
    if (a.status !== 'open') throw new ConflictError(`amendment ${amendmentId} is ${a.status}`);
    if (a.accepts.includes(me) || a.refusals.some((r) => r.node === me)) throw new ConflictError(`${me} answered amendment ${amendmentId} already`);
    const body = { event_id: newMessageId(), created_at: new Date().toISOString(), group_id: group.id, statement_id: statementId, amendment_id: a.id, amendment_author: a.author, answer: input.answer, reason: input.reason ?? '' };
    await emit(ctx, trx, StatementMessage.answer, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'statement.answer', target: `statement:${statementId}`, details: { amendment_id: a.id, answer: input.answer } });
  });
  return getStatement(ctx, statementId);
}

/** Proposes adopting the current version, or consents to it when a member proposed it already. */
export async function adoptStatement(ctx: NodeContext, actor: Actor, statementId: string, input: { digest: string }): Promise<StatementDetail> {
  const me = ctx.identity.node_id;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, statementId);
    notAdopted(state);
    current(state, input.digest, '/digest');
    if ((state.consents[input.digest] ?? []).includes(me)) throw new ConflictError(`${me} consented to adopting version ${input.digest} already`);
    const proposed = state.adoption_proposals.some((p) => p.digest === input.digest);
    const body = { event_id: newMessageId(), created_at: new Date().toISOString(), group_id: group.id, statement_id: statementId, digest: input.digest };
    await emit(ctx, trx, proposed ? StatementMessage.consent : StatementMessage.adoption, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: proposed ? 'statement.consent' : 'statement.propose_adoption', target: `statement:${statementId}`, details: { digest: input.digest } });
  });
  return getStatement(ctx, statementId);
}

/** This node's Ed25519 signature of the adopted document, by its node key; it goes to every member. */
export async function signStatement(ctx: NodeContext, actor: Actor, statementId: string): Promise<StatementDetail> {
  const me = ctx.identity;
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    const { group, state } = await loadForWrite(ctx, trx, statementId);
    if (state.status !== 'adopted') throw new ConflictError(`statement ${statementId} is not adopted: there is nothing to sign yet`);
    if (!state.parties.includes(me.node_id)) throw new NotAStatementMemberError(`${me.node_id} was not a party when statement ${statementId} was adopted`);
    if (state.signatures.some((x) => x.node === me.node_id)) throw new ConflictError(`${me.node_id} signed statement ${statementId} already`);
    const doc = signableDocument({ id: state.id, group_id: state.group_id, kind: state.kind!, title: state.title!, texts: state.texts });
    const value = signEd25519(signedBytes(doc), me.privateKey).toString('base64url');
    const body = { event_id: newMessageId(), created_at: new Date().toISOString(), group_id: group.id, statement_id: statementId, digest: state.adopted_digest!, suite: 'ed25519' as const, public_key: me.publicKeyRaw, key: me.fingerprint, value };
    await emit(ctx, trx, StatementMessage.signature, body, group.members);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'statement.sign', target: `statement:${statementId}`, details: { digest: state.adopted_digest, key: me.fingerprint } });
  });
  return getStatement(ctx, statementId);
}

/**
 * Proposes to the group that the terms of an adopted agreement, co-signed by every party,
 * become the group's agreement (a `change_agreement` naming the statement and its digest).
 * It is in force once the charter's quorum consents, as any change of the group's agreement.
 */
export async function putAgreementInForce(ctx: NodeContext, actor: Actor, statementId: string, terms: AgreementTerms): Promise<StatementDetail> {
  const { group, state } = await load(ctx, statementId);
  if (state.kind !== 'agreement') throw new ConflictError(`statement ${statementId} is a joint statement, not an agreement: it has no terms to put in force`);
  if (state.status !== 'adopted') throw new ConflictError(`agreement ${statementId} is not adopted yet`);
  const unsigned = state.parties.filter((n) => !state.signatures.some((x) => x.node === n));
  if (unsigned.length) throw new ConflictError(`agreement ${statementId} is not signed by every party yet: ${unsigned.join(', ')} must still sign`);
  if (group.my_role !== 'member') throw new NotAStatementMemberError(`${ctx.identity.node_id} is no longer a member of group ${group.id}`);
  const open = inForceOf(group, statementId);
  if (open?.status === 'open') throw new ConflictError(`proposal ${open.proposal_id} to put agreement ${statementId} in force is still open`);
  const adopted = new Date(state.adopted_at!).toISOString().slice(0, 10);
  const agreement: Agreement = { title: state.title!, instrument: `${state.title!}, adopted ${adopted} (co-signed, SHA-256 ${state.adopted_digest!.slice(0, 16)}…)`.slice(0, 300), ...terms };
  await proposeChange(ctx, actor, group.id, { kind: 'change_agreement', agreement, source: { statement_id: statementId, digest: state.adopted_digest! } });
  return getStatement(ctx, statementId);
}
