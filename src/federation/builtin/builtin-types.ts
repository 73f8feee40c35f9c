import { Type } from 'typebox';
import type { MessageType } from '../protocol/message-types.js';
import { redeliverAfter } from '../outbox.service.js';

const PingBody = Type.Object({ nonce: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
const NoticeBody = Type.Object({ subject: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false });
const CatchUpBody = Type.Object({ after_seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

/** `federation.ping/v1`: proves the whole path (sign, send, verify, store, receipt); applies nothing. */
export const PingType = {
  type: 'federation.ping/v1',
  body: PingBody,
  handle: async () => {},
} satisfies MessageType<typeof PingBody>;

/** `federation.notice/v1`: a short notice from one node's operators to another's. */
export const NoticeType = {
  type: 'federation.notice/v1',
  body: NoticeBody,
  handle: async (trx, e) => {
    await trx.insertInto('notices').values({ id: e.id, from_node: e.from, subject: e.body.subject, text: e.body.text, issued_at: e.issued_at, received_at: new Date().toISOString() }).execute();
  },
} satisfies MessageType<typeof NoticeBody>;

/**
 * `federation.catch_up/v1`: "send me again everything after release number N". The sender
 * marks those messages pending; the receiver drops the ones it has as duplicates.
 */
export const CatchUpType = {
  type: 'federation.catch_up/v1',
  body: CatchUpBody,
  handle: async (trx, e) => {
    await redeliverAfter(trx, e.from, e.body.after_seq);
  },
} satisfies MessageType<typeof CatchUpBody>;
