import type { NodeContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { MAX_CLOCK_GAP_MS, plausibleTime } from '../federation/event-log/event-log.rules.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import { getGroup, type GroupDetail } from '../groups/groups.service.js';
import type { DbOrTrx } from '../store/db.js';
import { groupOfStatement, storeRelayedStatementEvents, storeStatementEvent } from './statements.repository.js';
import {
  AdoptionConsentBody, AdoptionProposalBody, AmendmentAnswerBody, AmendmentBody, SignatureBody, StatementCreatedBody, StatementHistoryBody, StatementMessage,
  type StatementEventBody,
} from './statements.schemas.js';
import { within } from './statements.service.js';

async function groupFor(ctx: NodeContext, trx: DbOrTrx, groupId: string): Promise<GroupDetail | null> {
  try {
    return await getGroup(within(ctx, trx), groupId);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/**
 * Why this node does not take a node's word about a group's statements, or null when it does:
 * the group must be one this node belongs to (or is joining) and the sender one of its members,
 * or a node being added (its join may reach this node after its first events).
 */
async function senderRefusal(ctx: NodeContext, trx: DbOrTrx, from: string, groupId: string): Promise<string | null> {
  const me = ctx.identity.node_id;
  const g = await groupFor(ctx, trx, groupId);
  if (!g || g.my_role === 'none') return `${me} is not a member of group ${groupId}`;
  const invited = g.proposals.some((p) => p.status === 'open' && p.change.kind === 'add_member' && p.change.node === from);
  if (!invited && !g.members.includes(from)) return `${from} is not a member of group ${groupId}`;
  return null;
}

/** One statement event from its author: kept once when the author is a member of the group; refused otherwise. */
async function receiveEvent(trx: DbOrTrx, e: Envelope<StatementEventBody>, ctx: NodeContext): Promise<string | undefined> {
  const b = e.body;
  const why = await senderRefusal(ctx, trx, e.from, b.group_id);
  if (why) return why;
  if (e.type === StatementMessage.statement && b.statement_id !== b.event_id) return 'a statement is founded by the event that bears its id';
  if (e.type === StatementMessage.signature && (b as SignatureBody).key !== e.sig.key) return "a statement is signed with the signer's own node key";
  const group = await groupOfStatement(trx, b.statement_id);
  if (group !== null && group !== b.group_id) return `statement ${b.statement_id} belongs to another group`;
  if (!plausibleTime(b.created_at, e.issued_at)) return `the event's time ${b.created_at} is more than ${MAX_CLOCK_GAP_MS / 60_000} minutes from its envelope's ${e.issued_at}`;
  await storeStatementEvent(trx, e);
  return undefined;
}

/** A member's relay of a group's statements to this node, which joined it: each event is verified on its own. */
async function receiveHistory(trx: DbOrTrx, e: Envelope<StatementHistoryBody>, ctx: NodeContext): Promise<string | undefined> {
  const g = await groupFor(ctx, trx, e.body.group_id);
  if (!g || !g.members.includes(e.from)) return `${e.from} is not a member of group ${e.body.group_id}`;
  await storeRelayedStatementEvents(trx, ctx.identity.node_id, e.body.group_id, e.body.envelopes);
  return undefined;
}

export const StatementCreatedType = { type: StatementMessage.statement, body: StatementCreatedBody, handle: receiveEvent } satisfies MessageType<typeof StatementCreatedBody>;
export const StatementAmendmentType = { type: StatementMessage.amendment, body: AmendmentBody, handle: receiveEvent } satisfies MessageType<typeof AmendmentBody>;
export const StatementAnswerType = { type: StatementMessage.answer, body: AmendmentAnswerBody, handle: receiveEvent } satisfies MessageType<typeof AmendmentAnswerBody>;
export const StatementAdoptionType = { type: StatementMessage.adoption, body: AdoptionProposalBody, handle: receiveEvent } satisfies MessageType<typeof AdoptionProposalBody>;
export const StatementConsentType = { type: StatementMessage.consent, body: AdoptionConsentBody, handle: receiveEvent } satisfies MessageType<typeof AdoptionConsentBody>;
export const StatementSignatureType = { type: StatementMessage.signature, body: SignatureBody, handle: receiveEvent } satisfies MessageType<typeof SignatureBody>;
export const StatementHistoryType = { type: StatementMessage.history, body: StatementHistoryBody, handle: receiveHistory } satisfies MessageType<typeof StatementHistoryBody>;

export const statementMessages = [StatementCreatedType, StatementAmendmentType, StatementAnswerType, StatementAdoptionType, StatementConsentType, StatementSignatureType, StatementHistoryType];
