import { appendAuditMany, type AuditInput } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { eventKey, MAX_CLOCK_GAP_MS, plausibleTime } from '../federation/event-log/event-log.rules.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import { releasesBelowArrived } from '../federation/inbox.repository.js';
import { EarlierReleasesMissingError } from '../federation/sender-arrivals.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import type { DbOrTrx } from '../store/db.js';
import { caseWorkers, notifyIncomingCases } from './cases.notify.js';
import { agreementsBetween } from '../groups/groups.service.js';
import { catalogue } from './catalogue/catalogue.js';
import { ACK_WINDOW_MS, agreedAckHoursFor, agreementProblems, allowedBases, type AllowedBasis, type CaseState } from './cases.rules.js';
import type { Agreement } from '../groups/agreements.js';
import { openingsOfCases, peersOfCases, refreshProjections, storeCaseEvents } from './cases.repository.js';
import { CaseEventBody, CaseMessage } from './cases.schemas.js';

/** What the refusal of a batch's events looks at, read once for the whole batch. */
interface Held {
  /** The other party of each case of the batch that the list holds. */
  peers: Map<string, string>;
  /** The openings held of each case the batch opens, with those of the batch taken so far. */
  openings: Map<string, { author: string; event_id: string }[]>;
}

/**
 * Why this node does not take a case event from its sender (null when it does). Only the two
 * parties write to a case: an opening must name this node as the requested party, and any
 * other event must come from the other party of a case this node holds. An event for a case
 * this node does not hold is refused: only an opening creates a case here, and a third node
 * cannot fill the log with events of cases it guessed or heard of. (Its sender's opening is
 * never behind it: see receiveMany.) An event from a party that the fold finds out of role
 * (a withdrawal that crossed an execution, or a party acting beyond its role) is kept: both
 * nodes must hold the same events to reach the same state, and the fold shows it as not
 * counted, with the reason.
 */
function refusal(held: Held, me: string, e: Envelope<CaseEventBody>): string | null {
  const b = e.body;
  if (b.action === 'open') {
    if (b.requested !== me) return `the request is addressed to ${b.requested}, not to ${me}`;
    // A case opens once: another opening under the same case id, dated earlier, would take the case over in the fold.
    return held.openings.get(b.case_id)!.some((h) => h.author !== e.from || h.event_id !== b.event_id) ? `case ${b.case_id} is open already` : null;
  }
  const peer = held.peers.get(b.case_id);
  if (peer === undefined) return `${me} holds no case ${b.case_id}: only its opening, sent to ${me} as the requested party, starts a case here`;
  return peer === e.from ? null : `${e.from} is not a party to case ${b.case_id}`;
}

/** The agreements in force with one sender and the legal bases they allow, read once per batch. */
interface Agreed {
  agreements: Agreement[];
  bases: AllowedBasis[] | null;
}

/**
 * Why this node, as the requested party, does not take an opening that the agreements in
 * force between it and the sender do not allow (its type, or its legal basis): the sender
 * checks its draft against the same agreements, so only a sender that ignores them (or one
 * whose view of a group is behind) gets here. The refusal travels back in the receipt and the
 * sender's timeline shows it with this reason. No shared agreement: nothing is limited. An
 * opening that asks for acknowledgement sooner than the agreements (or the default) allow is
 * refused too: the deadline travels in the signed opening and binds both sides.
 */
async function notAgreedBy(trx: DbOrTrx, me: string, e: Envelope<CaseEventBody>, agreed: Map<string, Agreed>): Promise<string | null> {
  const b = e.body;
  if (b.action !== 'open') return null;
  if (!agreed.has(e.from)) {
    const agreements = await agreementsBetween(trx, me, e.from);
    agreed.set(e.from, { agreements, bases: agreements.length ? allowedBases(catalogue, agreements) : null });
  }
  const { agreements, bases } = agreed.get(e.from)!;
  const hours = agreedAckHoursFor(agreements, b.request);
  // A sender may give more time to acknowledge than agreed, never less.
  const allowedHours = hours ?? ACK_WINDOW_MS[b.request.priority] / 3_600_000;
  if (b.ack_hours !== undefined && b.ack_hours < allowedHours) {
    return `the opening asks for acknowledgement within ${b.ack_hours} h; ${hours !== null ? 'the agreements in force allow' : 'without an agreement that sets it, the default is'} ${allowedHours} h for ${b.request.priority} requests`;
  }
  if (!bases) return null;
  const problems = agreementProblems(b.request, { bases });
  return problems.length ? `no agreement in force between ${me} and ${e.from} allows this request: ${problems.map((p) => p.detail).join('; ')}` : null;
}

/**
 * Stores the events of one batch, then folds each case it touched once. Batch-wise: one read
 * of the cases' list rows and openings, one insert of the events, one read of the touched
 * cases' events (and one of their equivocations), one write of their list rows. The list rows
 * are read before any is rewritten, as when they were read event by event.
 */
async function receiveMany(trx: DbOrTrx, envelopes: Envelope<CaseEventBody>[], ctx: NodeContext): Promise<Map<string, string>> {
  const me = ctx.identity.node_id;
  const refused = new Map<string, string>();
  const caseIds = [...new Set(envelopes.map((e) => e.body.case_id))];
  const opened = [...new Set(envelopes.filter((e) => e.body.action === 'open').map((e) => e.body.case_id))];
  const held: Held = { peers: await peersOfCases(trx, caseIds), openings: await openingsOfCases(trx, opened) };
  const kept: Envelope<CaseEventBody>[] = [];
  const agreed = new Map<string, Agreed>();
  for (const e of envelopes) {
    let why = refusal(held, me, e);
    // Up to ACCORD_DELIVERY_WINDOW batches of a sender are in flight at once, so a case's
    // opening may be in a batch still being stored while a later event of the same case is
    // here. The sender numbers its releases to this node without gaps: while one below this
    // event's is missing, the whole batch is refused for now (no receipt, so the sender tries
    // it again after its backoff, by when the opening is here). A refusal in the receipt is
    // final, and would lose a true event.
    if (why && e.body.action !== 'open' && !held.peers.has(e.body.case_id) && e.seq !== undefined) {
      if (!(await releasesBelowArrived(trx, e.from, e.seq))) throw new EarlierReleasesMissingError(`case event ${e.body.event_id} of case ${e.body.case_id} came before releases of ${e.from} numbered below ${e.seq}: send the batch again once they are here`);
      // On PostgreSQL each statement reads what was committed when it began: the batch with the
      // opening may have committed after this one read the cases it holds and before it counted
      // the releases. Those are all here now, so the case is read again before refusing.
      const party = (await peersOfCases(trx, [e.body.case_id])).get(e.body.case_id);
      if (party !== undefined) {
        held.peers.set(e.body.case_id, party);
        why = refusal(held, me, e);
      }
    }
    if (why) {
      refused.set(e.id, why);
      continue;
    }
    // An author cannot back-date (or post-date) events at will: such an event is not kept, and the receipt says so.
    if (!plausibleTime(e.body.created_at, e.issued_at)) {
      refused.set(e.id, `the event's time ${e.body.created_at} is more than ${MAX_CLOCK_GAP_MS / 60_000} minutes from its envelope's ${e.issued_at}`);
      continue;
    }
    if (e.body.action === 'open') {
      const notAgreed = await notAgreedBy(trx, me, e, agreed);
      if (notAgreed) {
        refused.set(e.id, notAgreed);
        continue;
      }
    }
    kept.push(e);
    if (e.body.action === 'open') {
      held.openings.get(e.body.case_id)!.push({ author: e.from, event_id: e.body.event_id });
      // Its sender is the other party: its later events in this batch are taken.
      held.peers.set(e.body.case_id, e.from);
    }
  }
  const isNew = await storeCaseEvents(trx, kept);
  const touched = new Map<string, boolean>();
  const arrived = new Map<string, CaseEventBody>();
  kept.forEach((e, i) => {
    if (!isNew[i]) return;
    touched.set(e.body.case_id, (touched.get(e.body.case_id) ?? false) || e.body.action === 'open');
    arrived.set(eventKey(e.from, e.body.event_id), e.body);
  });
  const loaded = await refreshProjections(trx, [...touched.keys()], me, arrived);
  const notCounted: AuditInput[] = [];
  const incoming: { caseId: string; state: CaseState }[] = [];
  for (const [caseId, openedNow] of touched) {
    const state = loaded.get(caseId)!.state;
    if (openedNow && state.requested === me) incoming.push({ caseId, state });
    // Reported, not hidden: a received event the rules do not count (out of role, too late).
    for (const t of state.timeline) {
      if (!t.counted && arrived.has(eventKey(t.author, t.event_id))) notCounted.push({ actor: `node:${t.author}`, action: 'case.event_not_counted', target: `case:${caseId}`, details: { event_id: t.event_id, event_action: t.action, reason: t.ignored_because ?? '' } });
    }
  }
  // A new case has no team yet: each is told to every case worker.
  if (incoming.length) await notifyIncomingCases(ctx, trx, incoming, await caseWorkers(ctx, trx));
  if (notCounted.length) await appendAuditMany(trx, ctx.store.dialect, notCounted);
  return refused;
}

export const CaseEventType = {
  type: CaseMessage.event,
  body: CaseEventBody,
  handle: async (trx, e, ctx) => (await receiveMany(trx, [e], ctx)).get(e.id),
  handleMany: receiveMany,
  keepIssuedReceipt: true,
  afterEarlierReleases: true,
} satisfies MessageType<typeof CaseEventBody>;
