import { appendAudit, type AuditInput } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { ConflictError, ForbiddenError, NotFoundError, invalidFields } from '../errors.js';
import { eventDigest as eventDigestHex } from '../federation/event-log/event-log.rules.js';
import { deliveriesOf, enqueueMessages, type Delivery } from '../federation/outbox.service.js';
import { findPeer } from '../federation/peers.repository.js';
import { newMessageId, type Envelope, type Signature } from '../federation/protocol/envelope.js';
import type { Requirements } from '../directory/directory.schemas.js';
import { findRequirements } from '../directory/directory.service.js';
import { agreementAllows } from '../groups/agreements.js';
import { agreementsBetween } from '../groups/groups.service.js';
import type { DbOrTrx } from '../store/db.js';
import { catalogue } from './catalogue/catalogue.js';
import { actionProblem, agreedAckHoursFor, agreementProblems, allowedBases, availableActions, caseLogEvent, deadlinesOf, draftProblems, foldAppended, foldCase, partyOf, type CaseDeadlines, type CaseState, type DraftProblem, type Party, type RequestedSide } from './cases.rules.js';
import { findCaseRow, loadCase, queryCases, storeOwnCaseEvents, takeCaseTurn, type CaseFilter, type CaseRow, type LoadedCase } from './cases.repository.js';
import { CaseMessage, type ActionInput, type CaseEventBody, type RequestContent } from './cases.schemas.js';
import { keepCases, loadCasesKept } from './cases.kept.js';
import type { CaseDraftsTable } from './cases.tables.js';

export interface CaseSummary extends CaseRow {
  overdue: boolean;
}

export interface CaseHistoryEntry {
  event_id: string;
  action: string;
  author: string;
  party: Party | null;
  created_at: string;
  received_at: string;
  counted: boolean;
  ignored_because: string | null;
  body: CaseEventBody;
  /** For this node's own events: the delivery to the other party and its signed receipt. */
  delivery: Delivery | null;
  signature: Signature;
  /** The signed envelope this node holds: verifiable with the author's key. */
  envelope: Envelope;
}

export interface CaseDetail extends Omit<CaseState, 'timeline' | 'request' | 'requesting' | 'requested' | 'opened_at'> {
  id: string;
  request: RequestContent;
  requesting: string;
  requested: string;
  opened_at: string;
  my_party: Party;
  peer: string;
  deadlines: CaseDeadlines;
  available_actions: string[];
  history: CaseHistoryEntry[];
  equivocations: { author: string; event_id: string; digest: string; received_at: string }[];
  /** First 16 hex digits of the opening event's digest: printed on the formal letter. */
  verification_code: string | null;
}

function summaryOf(r: CaseRow, now: Date): CaseSummary {
  const overdue = r.next_due !== null && r.next_due < now.toISOString() && !['refused', 'withdrawn', 'closed'].includes(r.status);
  return { ...r, events: Number(r.events), ignored_events: Number(r.ignored_events), overdue };
}

export async function listCases(ctx: NodeContext, f: CaseFilter): Promise<{ cases: CaseSummary[]; next: string | null }> {
  const now = new Date();
  const { rows, next } = await queryCases(ctx.store.db, f, now);
  return { cases: rows.map((r) => summaryOf(r, now)), next };
}

function detailOf(ctx: NodeContext, caseId: string, l: LoadedCase, deliveries: Map<string, Delivery>, envelopes: Envelope<CaseEventBody>[]): CaseDetail {
  const me = ctx.identity.node_id;
  const s = l.state;
  const party = partyOf(s, me);
  if (!party || !s.request) throw new NotFoundError(`case ${caseId}`);
  const timeline = new Map(s.timeline.map((t) => [`${t.author}\u0000${t.event_id}`, t]));
  const history = l.rows.map((r, i) => {
    const envelope = envelopes[i]!;
    const t = timeline.get(`${r.author}\u0000${r.event_id}`);
    return {
      event_id: r.event_id,
      action: r.type,
      author: r.author,
      party: t?.party ?? partyOf(s, r.author),
      created_at: r.created_at,
      received_at: r.received_at,
      counted: t?.counted ?? false,
      ignored_because: t?.ignored_because ?? (t ? null : 'its author signed another body under the same id'),
      body: envelope.body,
      delivery: r.author === me ? (deliveries.get(envelope.id) ?? null) : null,
      signature: envelope.sig,
      envelope,
    };
  });
  // In fold order, which both parties share.
  const order = new Map(s.timeline.map((t, i) => [`${t.author}\u0000${t.event_id}`, i]));
  history.sort((a, b) => (order.get(`${a.author}\u0000${a.event_id}`) ?? 1e9) - (order.get(`${b.author}\u0000${b.event_id}`) ?? 1e9));
  const { timeline: _t, ...rest } = s;
  const opening = history.find((h) => h.action === 'open' && h.counted);
  return {
    ...rest,
    request: s.request,
    requesting: s.requesting!,
    requested: s.requested!,
    opened_at: s.opened_at!,
    id: caseId,
    my_party: party,
    peer: party === 'requesting' ? s.requested! : s.requesting!,
    deadlines: deadlinesOf(s, new Date()),
    available_actions: availableActions(s, party, catalogue),
    history,
    equivocations: l.equivocations.map((q) => ({ author: q.author, event_id: q.event_id, digest: q.digest, received_at: q.received_at })),
    verification_code: opening ? openingCode(opening.author, opening.body) : null,
  };
}

/** Verification codes of the cases shown lately, by their counted opening (author, case, event): each case's page and each action on it shows it. */
const openingCodes = new Map<string, string>();
function openingCode(author: string, body: CaseEventBody): string {
  const key = `${author}\u0000${body.case_id}\u0000${body.event_id}`;
  let code = openingCodes.get(key);
  if (code === undefined) {
    code = verificationCode(body);
    if (openingCodes.size >= 4096) openingCodes.clear();
    openingCodes.set(key, code);
  }
  return code;
}

/** Links a printed letter to the signed case: the first 16 hex digits of the opening event's digest, in groups of four. */
export function verificationCode(openBody: CaseEventBody): string {
  return eventDigestHex(openBody).slice(0, 16).replace(/(.{4})(?=.)/g, '$1-');
}

/** A case this node is a party to; reading it is recorded in the audit log. */
export async function getCase(ctx: NodeContext, actor: Actor, caseId: string, audit = true): Promise<CaseDetail> {
  const detail = await detailOfLoaded(ctx, ctx.store.db, caseId, await loadCase(ctx.store.db, caseId));
  if (audit) await appendAudit(ctx.store.db, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.read', target: `case:${caseId}` });
  return detail;
}

/** The detail of a case loaded already, with the deliveries of this node's own events. */
async function detailOfLoaded(ctx: NodeContext, db: DbOrTrx, caseId: string, l: LoadedCase): Promise<CaseDetail> {
  const me = ctx.identity.node_id;
  // Each row's envelope parsed once, for the deliveries and for the history.
  const envelopes = l.rows.map((r) => JSON.parse(r.envelope) as Envelope<CaseEventBody>);
  const own = envelopes.filter((_, i) => l.rows[i]!.author === me).map((e) => e.id);
  return detailOf(ctx, caseId, l, await deliveriesOf(db, own), envelopes);
}

export interface RequestedSideView extends RequestedSide {
  /** Titles of the agreements of the active groups both nodes belong to. */
  agreements: string[];
  /** The peer's requirements profile, from its directory entry (null when it published none). */
  requirements: Requirements | null;
}

/**
 * What the requested node accepts: its requirements profile (published with its directory
 * entry) and the agreements of the active groups both nodes belong to (`bases`: the request
 * types and legal bases they allow, with their languages; no shared agreement allows
 * everything). Where both speak, a request must satisfy both. `languages` is for people: the
 * profile's languages that the agreements accept, or whichever of the two says something.
 */
export async function requestedSideOf(ctx: NodeContext, peer: string): Promise<RequestedSideView> {
  return (await requestedSideAndAgreements(ctx, peer)).side;
}

/** requestedSideOf with the agreements it read (sending a draft needs both). */
export async function requestedSideAndAgreements(ctx: NodeContext, peer: string): Promise<{ side: RequestedSideView; agreements: Awaited<ReturnType<typeof agreementsBetween>> }> {
  const me = ctx.identity.node_id;
  const agreements = await agreementsBetween(ctx.store.db, me, peer);
  const requirements = await findRequirements(ctx, peer);
  const side: RequestedSideView = { agreements: agreements.map((a) => a.title), requirements };
  if (agreements.length) side.bases = allowedBases(catalogue, agreements);
  if (requirements?.request_types.length) side.requestTypes = requirements.request_types;
  const agreed = [...new Set(agreements.flatMap((a) => a.languages))];
  const profile = requirements?.languages ?? [];
  const langs = profile.length && agreed.length ? (agreed.includes('*') ? profile : profile.includes('*') ? agreed : profile.filter((l) => agreements.some((a) => agreementAllows(a, { language: l })))) : profile.length ? profile : agreed;
  if (langs.length) side.languages = langs;
  if (requirements?.extra_fields.length) {
    const extra: Record<string, string[]> = {};
    for (const f of requirements.extra_fields) for (const t of f.request_types) (extra[t] ??= []).push(f.id);
    side.extraFields = extra;
  }
  return { side, agreements };
}

/** The side as the draft rules check it: the profile's own languages (those of the agreements are checked per legal basis). */
export function rulesSide(v: RequestedSideView): RequestedSide {
  const { agreements: _a, requirements, languages: _l, ...rest } = v;
  return { ...rest, ...(requirements?.languages.length ? { languages: requirements.languages } : {}) };
}

// ---- Drafts ----------------------------------------------------------------------------

export interface Draft {
  id: string;
  requested: string;
  content: RequestContent;
  status: CaseDraftsTable['status'];
  created_by: string;
  created_at: string;
  updated_at: string;
  review_requested_by: string | null;
  approved_by: string | null;
  case_id: string | null;
  /** What stops it from being sent, each with the field at fault. */
  problems: DraftProblem[];
}

/** A draft with its problems; `side`: the requested side read already for this peer (a save reads it once). */
async function draftOf(ctx: NodeContext, r: CaseDraftsTable, side?: RequestedSide): Promise<Draft> {
  const content = JSON.parse(r.content) as RequestContent;
  return { ...r, content, problems: r.status === 'sent' ? [] : draftProblems(content, catalogue, side ?? rulesSide(await requestedSideOf(ctx, r.requested))) };
}

async function requirePeer(trx: DbOrTrx, node: string): Promise<void> {
  const p = await findPeer(trx, node);
  if (!p || p.status === 'removed') throw invalidFields([{ pointer: '/requested', code: 'unknown_peer', message: `${node} is not a peer of this node` }]);
}

/** A draft whose type or legal basis no agreement in force with the peer allows is not saved. */
async function requireAgreed(ctx: NodeContext, requested: string, content: RequestContent): Promise<RequestedSide> {
  const side = rulesSide(await requestedSideOf(ctx, requested));
  const problems = agreementProblems(content, side);
  if (problems.length) throw invalidFields(problems.map((p) => ({ pointer: `/content${p.pointer}`, code: p.code, message: p.detail })));
  return side;
}

export async function createDraft(ctx: NodeContext, actor: Actor, requested: string, content: RequestContent): Promise<Draft> {
  if (requested === ctx.identity.node_id) throw invalidFields([{ pointer: '/requested', code: 'self', message: 'a request goes to another node' }]);
  const id = newMessageId();
  const now = new Date().toISOString();
  const row: CaseDraftsTable = { id, requested, content: JSON.stringify(content), status: 'draft', created_by: actor.ref, created_at: now, updated_at: now, review_requested_by: null, approved_by: null, case_id: null };
  // Read outside the transaction: on SQLite the transaction holds the one connection.
  const side = await requireAgreed(ctx, requested, content);
  await ctx.store.db.transaction().execute(async (trx) => {
    await requirePeer(trx, requested);
    await trx.insertInto('case_drafts').values(row).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.draft', target: `case_draft:${id}`, details: { requested, type: content.type } });
  });
  return draftOf(ctx, row, side);
}

async function findDraft(db: DbOrTrx, id: string): Promise<CaseDraftsTable> {
  const r = await db.selectFrom('case_drafts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFoundError(`draft ${id}`);
  return r;
}

export async function getDraft(ctx: NodeContext, id: string): Promise<Draft> {
  return draftOf(ctx, await findDraft(ctx.store.db, id));
}

export async function listDrafts(ctx: NodeContext): Promise<Draft[]> {
  const rows = await ctx.store.db.selectFrom('case_drafts').selectAll().where('status', '!=', 'sent').orderBy('updated_at', 'desc').limit(500).execute();
  return Promise.all(rows.map((r) => draftOf(ctx, r)));
}

/** Replaces a draft's content; a draft under review or approved goes back to draft (the approval was for other text). */
export async function updateDraft(ctx: NodeContext, actor: Actor, id: string, requested: string, content: RequestContent): Promise<Draft> {
  const side = await requireAgreed(ctx, requested, content);
  const updated = await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findDraft(trx, id);
    if (r.status === 'sent') throw new ConflictError(`draft ${id} was sent already (case ${r.case_id})`);
    await requirePeer(trx, requested);
    const next = { ...r, requested, content: JSON.stringify(content), status: 'draft' as const, approved_by: null, review_requested_by: null, updated_at: new Date().toISOString() };
    await trx.updateTable('case_drafts').set(next).where('id', '=', id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.draft_update', target: `case_draft:${id}` });
    return next;
  });
  return draftOf(ctx, updated, side);
}

export async function deleteDraft(ctx: NodeContext, actor: Actor, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findDraft(trx, id);
    if (r.status === 'sent') throw new ConflictError(`draft ${id} was sent already (case ${r.case_id})`);
    await trx.deleteFrom('case_drafts').where('id', '=', id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.draft_delete', target: `case_draft:${id}` });
  });
}

function refuseProblems(problems: DraftProblem[]): void {
  if (problems.length) throw invalidFields(problems.map((p) => ({ pointer: `/content${p.pointer}`, code: p.code, message: p.detail })), `the request cannot go yet: ${problems.map((p) => p.detail).join('; ')}`);
}

/** Four-eyes: asks a second user to review the draft (it must be complete first). */
export async function submitForReview(ctx: NodeContext, actor: Actor, id: string): Promise<Draft> {
  const r = await findDraft(ctx.store.db, id);
  if (r.status === 'sent') throw new ConflictError(`draft ${id} was sent already`);
  refuseProblems((await draftOf(ctx, r)).problems);
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.updateTable('case_drafts').set({ status: 'in_review', review_requested_by: actor.ref, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.review_request', target: `case_draft:${id}` });
  });
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
  return getDraft(ctx, id);
}

/** Four-eyes: a user other than the one who asked for review approves the draft. */
export async function approveDraft(ctx: NodeContext, actor: Actor, id: string): Promise<Draft> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findDraft(trx, id);
    if (r.status !== 'in_review') throw new ConflictError(`draft ${id} is not waiting for review (it is ${r.status})`);
    if (r.review_requested_by === actor.ref || r.created_by === actor.ref) throw new ForbiddenError('a second user must approve: not the one who wrote the draft or asked for the review');
    await trx.updateTable('case_drafts').set({ status: 'approved', approved_by: actor.ref, updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'case.approve', target: `case_draft:${id}` });
  });
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
  return getDraft(ctx, id);
}

/** Heads of a case's log that the author has seen: every event no other event names as seen. */
function headsOf(l: LoadedCase): { author: string; event_id: string }[] {
  const named = new Set<string>();
  // Every row, equivocated ones too; bodies the fold took are not parsed again.
  const folded = new Map(l.events.map((e) => [`${e.author}\u0000${e.id}`, e.body]));
  const all = l.rows.map((r) => ({ author: r.author, event_id: r.event_id, body: folded.get(`${r.author}\u0000${r.event_id}`) ?? (JSON.parse(r.envelope) as Envelope<CaseEventBody>).body }));
  for (const e of all) for (const x of e.body.seen) named.add(`${x.author}\u0000${x.event_id}`);
  return all.filter((e) => !named.has(`${e.author}\u0000${e.event_id}`)).slice(-20).map(({ author, event_id }) => ({ author, event_id }));
}

/** An event of this node's own, checked and ready to be signed and sent to `peer`, with its audit entry. */
export interface Emission {
  peer: string;
  body: CaseEventBody;
  audit: AuditInput;
}

/**
 * Signs events, queues them for the other parties (one release per peer, in the order given)
 * and keeps this node's copies, then rewrites the cases' list rows: folded on top of `loaded`,
 * the cases as loaded in this transaction (storeOwnCaseEvents). Each event's audit entry goes
 * with its release's: one read of the chain's head per peer. The cases as they are after.
 */
export async function emitMany(ctx: NodeContext, trx: DbOrTrx, items: readonly Emission[], loaded: ReadonlyMap<string, LoadedCase>): Promise<Map<string, LoadedCase>> {
  const byPeer = new Map<string, Emission[]>();
  for (const x of items) byPeer.set(x.peer, [...(byPeer.get(x.peer) ?? []), x]);
  const sent: Envelope<CaseEventBody>[] = [];
  // One recipient per envelope: the envelope sent is this node's own record too, so its receipt is found by its id.
  for (const [peer, group] of byPeer) sent.push(...(await enqueueMessages(ctx, trx, peer, CaseMessage.event, group.map((g) => g.body), group[0]!.body.created_at, group.map((g) => g.audit))));
  return storeOwnCaseEvents(trx, ctx.identity.node_id, loaded, sent);
}

async function emit(ctx: NodeContext, trx: DbOrTrx, x: Emission, l: LoadedCase): Promise<LoadedCase> {
  return (await emitMany(ctx, trx, [x], new Map([[x.body.case_id, l]]))).get(x.body.case_id)!;
}

/** A case with no events yet: what an opening folds on top of. */
export function emptyCase(): LoadedCase {
  return { rows: [], equivocations: [], events: [], state: foldCase([], catalogue) };
}

/**
 * A case as it will be once `body`, checked but not signed yet, is stored: for checking the next
 * action of a batch against it (headsOf reads the row's key; the body is in the events).
 */
export function withPending(l: LoadedCase, me: string, body: CaseEventBody): LoadedCase {
  const event = caseLogEvent(me, body);
  const row = { author: me, event_id: body.event_id, created_at: body.created_at } as LoadedCase['rows'][number];
  return { rows: [...l.rows, row], equivocations: l.equivocations, events: [...l.events, event], state: foldAppended(l.state, l.events, event, catalogue) };
}

/** Sends a complete draft (approved first when four-eyes is on): the case opens on both nodes. */
export async function sendDraft(ctx: NodeContext, actor: Actor, id: string): Promise<CaseDetail> {
  // Read outside the transaction: on SQLite the transaction holds the one connection.
  const requested = (await findDraft(ctx.store.db, id)).requested;
  const { side: view, agreements } = await requestedSideAndAgreements(ctx, requested);
  const side = rulesSide(view);
  const opened = await ctx.store.db.transaction().execute(async (trx) => {
    const r = await findDraft(trx, id);
    if (r.status === 'sent') throw new ConflictError(`draft ${id} was sent already (case ${r.case_id})`);
    const content = JSON.parse(r.content) as RequestContent;
    if (r.requested !== requested) throw new ConflictError(`draft ${id} changed while it was being sent: send it again`);
    // What is missing first: an approval is asked for only once the request is complete.
    refuseProblems(draftProblems(content, catalogue, side));
    if (ctx.settings.casesFourEyes && r.status !== 'approved') throw new ConflictError('this node requires a second user to approve a request before it is sent (four-eyes): ask for a review');
    const opening = openingOf(actor, id, r.requested, content, agreements);
    // A new case id: its log is empty.
    const opened = { caseId: opening.body.case_id, l: await emit(ctx, trx, opening, emptyCase()) };
    await trx.updateTable('case_drafts').set({ status: 'sent', case_id: opened.caseId, updated_at: opening.body.created_at }).where('id', '=', id).execute();
    return opened;
  });
  keepCases(ctx.store, new Map([[opened.caseId, opened.l]]));
  // The answer is read once the transaction has committed (PostgreSQL: not while it holds the
  // peer's sequence and the audit chain, which every sender waits for).
  return detailOfLoaded(ctx, ctx.store.db, opened.caseId, opened.l);
}

/**
 * The opening of a new case from a request checked already (the draft `draftId`), for the
 * requested node. The time to acknowledge that the agreements in force set travels in the
 * signed opening: both sides count the same deadline.
 */
export function openingOf(actor: Actor, draftId: string, requested: string, content: RequestContent, agreements: Awaited<ReturnType<typeof agreementsBetween>>): Emission {
  const caseId = newMessageId();
  const ackHours = agreedAckHoursFor(agreements, content);
  const body: CaseEventBody = { event_id: newMessageId(), case_id: caseId, created_at: new Date().toISOString(), seen: [], action: 'open', requested, request: content, ...(ackHours !== null ? { ack_hours: ackHours } : {}) };
  return { peer: requested, body, audit: { actor: actor.ref, ip: actor.ip, action: 'case.send', target: `case:${caseId}`, details: { draft: draftId, requested, type: content.type, priority: content.priority } } };
}

/** Takes an action on a case as this node's party; refused (nothing sent) when the rules do not allow it now. */
export async function actOnCase(ctx: NodeContext, actor: Actor, caseId: string, input: ActionInput): Promise<CaseDetail> {
  const next = await ctx.store.db.transaction().execute(async (trx) => {
    await takeCaseTurn(trx, caseId);
    const l = (await loadCasesKept(ctx.store, trx, [caseId])).get(caseId)!;
    return emit(ctx, trx, planAction(ctx, actor, l, caseId, input), l);
  });
  keepCases(ctx.store, new Map([[caseId, next]]));
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
  // Read once committed, as sendDraft's answer.
  return detailOfLoaded(ctx, ctx.store.db, caseId, next);
}

/**
 * An action on case `caseId`, loaded (`l`) after its turn was taken, checked against the rules
 * and ready to be signed; refused (ConflictError) when they do not allow it now. `what`: how a
 * refusal names the action.
 */
export function planAction(ctx: NodeContext, actor: Actor, l: LoadedCase, caseId: string, input: ActionInput, what = ''): Emission {
  const me = ctx.identity.node_id;
  const party = partyOf(l.state, me);
  if (!party || !l.state.request) throw new NotFoundError(`case ${caseId}`);
  const body = { ...input, event_id: newMessageId(), case_id: caseId, created_at: new Date().toISOString(), seen: headsOf(l) } as CaseEventBody;
  const problem = actionProblem(l.state, me, body, catalogue);
  if (problem) throw new ConflictError(`${problem}${what}`);
  return { peer: party === 'requesting' ? l.state.requested! : l.state.requesting!, body, audit: { actor: actor.ref, ip: actor.ip, action: `case.${input.action}`, target: `case:${caseId}` } };
}

export async function caseRowOrThrow(ctx: NodeContext, caseId: string): Promise<CaseRow> {
  const r = await findCaseRow(ctx.store.db, caseId);
  if (!r) throw new NotFoundError(`case ${caseId}`);
  return r;
}
