import type { MessageType } from '../../federation/protocol/message-types.js';
import { EvidenceMessage, OfferBody, ReceivedBody } from './transfer.schemas.js';
import { receiveAnswer, receiveOffer } from './transfer.service.js';

/** An attachment offered to the other party of its case; refused for a case the receiver does not hold with the sender. */
export const EvidenceOfferType = {
  type: EvidenceMessage.offer,
  body: OfferBody,
  handle: receiveOffer,
} satisfies MessageType<typeof OfferBody>;

/** The receiver's signed answer: the attachment arrived whole (naming its hash), or why the transfer stopped. */
export const EvidenceReceivedType = {
  type: EvidenceMessage.received,
  body: ReceivedBody,
  handle: receiveAnswer,
} satisfies MessageType<typeof ReceivedBody>;
