import { appendAuditMany, type AuditInput } from '../audit/audit.repository.js';
import type { NodeContext } from '../context.js';
import { eventKey, MAX_CLOCK_GAP_MS, plausibleTime } from '../federation/event-log/event-log.rules.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import type { DbOrTrx } from '../store/db.js';
import { notifyIncomingCase } from './cases.notify.js';
import { findCaseRow, refreshProjection, storeCaseEvent } from './cases.repository.js';
import { CaseEventBody, CaseMessage } from './cases.schemas.js';

/**
 * Why this node does not take a case event from its sender (null when it does). Only the two
 * parties write to a case: an opening must name this node as the requested party, and any
 * other event must come from the other party of a case this node holds. An event from a party
 * that the fold finds out of role (a withdrawal that crossed an execution, or a party acting
 * beyond its role) is kept: both nodes must hold the same events to reach the same state, and
 * the fold shows it as not counted, with the reason.
 */
async function refusal(trx: DbOrTrx, me: string, e: Envelope<CaseEventBody>): Promise<string | null> {
  const b = e.body;
  if (b.action === 'open') {
    if (b.requested !== me) return `the request is addressed to ${b.requested}, not to ${me}`;
    // A case opens once: another opening under the same case id, dated earlier, would take the case over in the fold.
    const held = await trx.selectFrom('case_events').select(['author', 'event_id']).where('case_id', '=', b.case_id).where('type', '=', 'open').execute();
    return held.some((h) => h.author !== e.from || h.event_id !== b.event_id) ? `case ${b.case_id} is open already` : null;
  }
  const row = await findCaseRow(trx, b.case_id);
  if (!row) return null; // The opening may still be on its way; the fold ignores the event until it arrives.
  return row.peer === e.from ? null : `${e.from} is not a party to case ${b.case_id}`;
}

/** Stores the events of one batch, then folds each case it touched once. */
async function receiveMany(trx: DbOrTrx, envelopes: Envelope<CaseEventBody>[], ctx: NodeContext): Promise<Map<string, string>> {
  const me = ctx.identity.node_id;
  const refused = new Map<string, string>();
  const touched = new Map<string, boolean>();
  const arrived = new Set<string>();
  for (const e of envelopes) {
    const why = await refusal(trx, me, e);
    if (why) {
      refused.set(e.id, why);
      continue;
    }
    // An author cannot back-date (or post-date) events at will: such an event is not kept, and the receipt says so.
    if (!plausibleTime(e.body.created_at, e.issued_at)) {
      refused.set(e.id, `the event's time ${e.body.created_at} is more than ${MAX_CLOCK_GAP_MS / 60_000} minutes from its envelope's ${e.issued_at}`);
      continue;
    }
    if (await storeCaseEvent(trx, e)) {
      touched.set(e.body.case_id, (touched.get(e.body.case_id) ?? false) || e.body.action === 'open');
      arrived.add(eventKey(e.from, e.body.event_id));
    }
  }
  const notCounted: AuditInput[] = [];
  for (const [caseId, opened] of touched) {
    const loaded = await refreshProjection(trx, caseId, me);
    if (opened && loaded.state.requested === me) await notifyIncomingCase(ctx, trx, caseId, loaded.state);
    // Reported, not hidden: a received event the rules do not count (out of role, too late).
    for (const t of loaded.state.timeline) {
      if (!t.counted && arrived.has(eventKey(t.author, t.event_id))) notCounted.push({ actor: `node:${t.author}`, action: 'case.event_not_counted', target: `case:${caseId}`, details: { event_id: t.event_id, event_action: t.action, reason: t.ignored_because ?? '' } });
    }
  }
  if (notCounted.length) await appendAuditMany(trx, ctx.store.dialect, notCounted);
  return refused;
}

export const CaseEventType = {
  type: CaseMessage.event,
  body: CaseEventBody,
  handle: async (trx, e, ctx) => (await receiveMany(trx, [e], ctx)).get(e.id),
  handleMany: receiveMany,
} satisfies MessageType<typeof CaseEventBody>;
