import type { NodeContext } from '../context.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import type { DbOrTrx } from '../store/db.js';
import { storeGroupEvent, storeRelayedHistory } from './groups.repository.js';
import { ConsentBody, ConsentBodyV2, GroupMessage, HistoryBody, ProposalBody, RefusalBody, RefusalBodyV2, type GroupEventBody } from './groups.schemas.js';

// Handlers run inside the inbox transaction and never throw on content: an event that does not
// fit (not a member, a decided proposal) is kept as signed history and ignored by the fold.
// Two named handlers serve the six types, so a change of the handler signature touches two lines.

/** A proposal, consent or refusal from its author, stored once. */
async function receiveEvent(trx: DbOrTrx, e: Envelope<GroupEventBody>): Promise<void> {
  await storeGroupEvent(trx, e);
}

/** Another member's relay of a group's past to this node, an invitee: each event is verified on its own. */
async function receiveHistory(trx: DbOrTrx, e: Envelope<HistoryBody>, ctx: NodeContext): Promise<void> {
  await storeRelayedHistory(trx, ctx.identity.node_id, e.body.group_id, e.body.envelopes);
}

export const GroupProposalType = { type: GroupMessage.proposal, body: ProposalBody, handle: receiveEvent } satisfies MessageType<typeof ProposalBody>;
export const GroupConsentType = { type: GroupMessage.consent, body: ConsentBody, handle: receiveEvent } satisfies MessageType<typeof ConsentBody>;
export const GroupRefusalType = { type: GroupMessage.refusal, body: RefusalBody, handle: receiveEvent } satisfies MessageType<typeof RefusalBody>;
export const GroupConsentV2Type = { type: GroupMessage.consentV2, body: ConsentBodyV2, handle: receiveEvent } satisfies MessageType<typeof ConsentBodyV2>;
export const GroupRefusalV2Type = { type: GroupMessage.refusalV2, body: RefusalBodyV2, handle: receiveEvent } satisfies MessageType<typeof RefusalBodyV2>;
export const GroupHistoryType = { type: GroupMessage.history, body: HistoryBody, handle: receiveHistory } satisfies MessageType<typeof HistoryBody>;
