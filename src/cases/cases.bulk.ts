import type { Actor, NodeContext } from '../context.js';
import { ConflictError, invalidFields } from '../errors.js';
import { findPeer } from '../federation/peers.repository.js';
import { newMessageId } from '../federation/protocol/envelope.js';
import { insertRows } from '../store/insert-rows.js';
import { catalogue } from './catalogue/catalogue.js';
import { takeCaseTurns } from './cases.repository.js';
import { keepCases, loadCasesKept } from './cases.kept.js';
import { draftProblems, type CaseStatus } from './cases.rules.js';
import type { ActionInput, RequestContent } from './cases.schemas.js';
import { emitMany, emptyCase, openingOf, planAction, requestedSideAndAgreements, rulesSide, verificationCode, withPending, type Emission } from './cases.service.js';
import type { CaseDraftsTable } from './cases.tables.js';

/*
 * Many requests or actions in one call, for the systems that feed a node (a national case
 * system, a migration, a script): the rules, signatures, audit and delivery of one at a time, in
 * one transaction (all or nothing), answered with what was signed rather than each case whole.
 */

/** Items in one call; the body limit (ACCORD_BODY_LIMIT_BYTES) applies as well. */
export const BULK_LIMIT = 200;

export interface OpenedCase {
  id: string;
  /** The draft row that keeps who wrote the request (a case's authors, team.rules.ts). */
  draft_id: string;
  event_id: string;
  requested: string;
  status: CaseStatus;
  verification_code: string;
}

/**
 * Opens a case per request, as a draft and its sending would: checked against its type, the
 * agreements in force and the requested node's profile; refused whole when one is not complete.
 * Not with four-eyes on: there, each request needs a second user's approval as a draft.
 */
export async function openCases(ctx: NodeContext, actor: Actor, requests: readonly { requested: string; content: RequestContent }[]): Promise<OpenedCase[]> {
  if (ctx.settings.casesFourEyes) throw new ConflictError('this node requires a second user to approve each request before it is sent (four-eyes): send them as drafts');
  // Read outside the transaction (SQLite's one connection), once per peer.
  const sides = new Map<string, Awaited<ReturnType<typeof requestedSideAndAgreements>>>();
  // Every problem of every request at once: a system fixes its whole list in one go.
  const problems: Parameters<typeof invalidFields>[0] = [];
  for (const [i, r] of requests.entries()) {
    if (r.requested === ctx.identity.node_id) {
      problems.push({ pointer: `/requests/${i}/requested`, code: 'self', message: 'a request goes to another node' });
      continue;
    }
    let side = sides.get(r.requested);
    if (!side) sides.set(r.requested, (side = await requestedSideAndAgreements(ctx, r.requested)));
    for (const p of draftProblems(r.content, catalogue, rulesSide(side.side))) problems.push({ pointer: `/requests/${i}/content${p.pointer}`, code: p.code, message: p.detail });
  }
  if (problems.length) throw invalidFields(problems, `${new Set(problems.map((p) => p.pointer.split('/')[2])).size} of the ${requests.length} requests cannot go yet: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`.slice(0, 2000));
  const opened = await ctx.store.db.transaction().execute(async (trx) => {
    const gone = new Set<string>();
    for (const peer of sides.keys()) {
      const p = await findPeer(trx, peer);
      if (!p || p.status === 'removed') gone.add(peer);
    }
    if (gone.size) throw invalidFields(requests.flatMap((r, i) => (gone.has(r.requested) ? [{ pointer: `/requests/${i}/requested`, code: 'unknown_peer', message: `${r.requested} is not a peer of this node` }] : [])));
    const drafts = requests.map((r): CaseDraftsTable => ({ id: newMessageId(), requested: r.requested, content: JSON.stringify(r.content), status: 'sent', created_by: actor.ref, created_at: '', updated_at: '', review_requested_by: null, approved_by: null, case_id: null }));
    const openings = requests.map((r, i) => openingOf(actor, drafts[i]!.id, r.requested, r.content, sides.get(r.requested)!.agreements));
    // New case ids: their logs are empty.
    const after = await emitMany(ctx, trx, openings, new Map(openings.map((o) => [o.body.case_id, emptyCase()])));
    drafts.forEach((d, i) => Object.assign(d, { created_at: openings[i]!.body.created_at, updated_at: openings[i]!.body.created_at, case_id: openings[i]!.body.case_id }));
    await insertRows(trx, 'case_drafts', DRAFT_COLUMNS, drafts);
    return { after, opened: openings.map(({ body }, i): OpenedCase => ({ id: body.case_id, draft_id: drafts[i]!.id, event_id: body.event_id, requested: requests[i]!.requested, status: after.get(body.case_id)!.state.status, verification_code: verificationCode(body) })) };
  });
  keepCases(ctx.store, opened.after);
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
  return opened.opened;
}

const DRAFT_COLUMNS = { id: 'text', requested: 'text', content: 'text', status: 'text', created_by: 'text', created_at: 'text', updated_at: 'text', review_requested_by: 'text', approved_by: 'text', case_id: 'text' } as const;

export interface ActedEvent {
  case_id: string;
  event_id: string;
  action: string;
  /** The case's status once this action is counted. */
  status: CaseStatus;
}

/**
 * Takes each action in order (several on one case see each other), as one action at a time
 * would; refused whole, nothing signed, when one is not allowed, with its place in the list.
 */
export async function actOnCases(ctx: NodeContext, actor: Actor, actions: readonly (ActionInput & { case_id: string })[]): Promise<ActedEvent[]> {
  const ids = [...new Set(actions.map((a) => a.case_id))];
  const me = ctx.identity.node_id;
  const acted = await ctx.store.db.transaction().execute(async (trx) => {
    // In one order (PostgreSQL): two calls on the same cases take turns rather than wait for each other.
    await takeCaseTurns(trx, ids);
    const loaded = await loadCasesKept(ctx.store, trx, ids);
    // Each checked against the case with the actions before it (not signed yet) counted.
    const now = new Map(loaded);
    const planned: Emission[] = [];
    const out: ActedEvent[] = [];
    for (const [i, { case_id, ...input }] of actions.entries()) {
      const x = planAction(ctx, actor, now.get(case_id)!, case_id, input as ActionInput, ` (actions/${i})`);
      const l = withPending(now.get(case_id)!, me, x.body);
      now.set(case_id, l);
      planned.push(x);
      out.push({ case_id, event_id: x.body.event_id, action: x.body.action, status: l.state.status });
    }
    return { out, after: await emitMany(ctx, trx, planned, loaded) };
  });
  keepCases(ctx.store, acted.after);
  ctx.events.publish({ type: 'desk.changed', source: 'cases' });
  return acted.out;
}
