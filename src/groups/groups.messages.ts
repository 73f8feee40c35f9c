import { Compile } from 'typebox/compile';
import type { MessageType, MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { eventFromEnvelope, insertGroupEvent, storeRelayedHistory } from './groups.repository.js';
import { ConsentBody, GroupMessage, HistoryBody, ProposalBody, RefusalBody } from './groups.schemas.js';

// Handlers run inside the inbox transaction and never throw on content: an event that does not
// fit (not a member, a decided proposal) is kept as signed history and ignored by the fold.

export const GroupProposalType = {
  type: GroupMessage.proposal,
  body: ProposalBody,
  handle: async (trx, e) => {
    await insertGroupEvent(trx, eventFromEnvelope(e));
  },
} satisfies MessageType<typeof ProposalBody>;

export const GroupConsentType = {
  type: GroupMessage.consent,
  body: ConsentBody,
  handle: async (trx, e) => {
    await insertGroupEvent(trx, eventFromEnvelope(e));
  },
} satisfies MessageType<typeof ConsentBody>;

export const GroupRefusalType = {
  type: GroupMessage.refusal,
  body: RefusalBody,
  handle: async (trx, e) => {
    await insertGroupEvent(trx, eventFromEnvelope(e));
  },
} satisfies MessageType<typeof RefusalBody>;

const RELAYED_CHECKS: Record<string, ReturnType<typeof Compile>> = {
  [GroupMessage.proposal]: Compile(ProposalBody),
  [GroupMessage.consent]: Compile(ConsentBody),
  [GroupMessage.refusal]: Compile(RefusalBody),
};
const relayedBodyFits = (type: string, body: unknown): boolean => RELAYED_CHECKS[type]?.Check(body) ?? false;

export const GroupHistoryType = {
  type: GroupMessage.history,
  body: HistoryBody,
  handle: async (trx, e) => {
    // The envelope was checked to be addressed to this node; it has one recipient.
    await storeRelayedHistory(trx, e.to[0] ?? '', e.body.group_id, e.body.envelopes, relayedBodyFits);
  },
} satisfies MessageType<typeof HistoryBody>;

/** Registers the groups protocol with a node's message registry (called by the composition root). */
export function registerGroupMessages(r: MessageTypeRegistry): void {
  r.register(GroupProposalType);
  r.register(GroupConsentType);
  r.register(GroupRefusalType);
  r.register(GroupHistoryType);
}
