import { Type } from 'typebox';
import type { MessageType } from './protocol/message-types.js';
import { findSentForAck, insertAck } from './notices.repository.js';
import { ackProblem } from './notices.rules.js';

export const NOTICE_ACK_TYPE = 'federation.notice_ack/v1';

const NoticeAckBody = Type.Object(
  {
    notice_id: Type.String({ minLength: 1, maxLength: 100 }),
    acknowledged_by: Type.String({ minLength: 1, maxLength: 200 }),
    acknowledged_at: Type.String({ minLength: 20, maxLength: 40 }),
  },
  { additionalProperties: false },
);

/**
 * `federation.notice_ack/v1`: an officer of the peer acknowledged a notice this node sent it.
 * Kept once, on the notice it names; an ack naming a notice this node never sent to that peer,
 * a second ack, or one whose time is impossible changes nothing (handlers do not throw on
 * content: the message stays in the inbox as the peer's signed word).
 */
export const NoticeAckType = {
  type: NOTICE_ACK_TYPE,
  body: NoticeAckBody,
  handle: async (trx, e, ctx) => {
    const sent = await findSentForAck(trx, e.body.notice_id);
    if (ackProblem(sent, e.from, { acknowledged_at: e.body.acknowledged_at, issued_at: e.issued_at }, ctx.settings.clockSkewSeconds * 1000) !== null) return;
    await insertAck(trx, { notice_id: e.body.notice_id, acknowledged_by: e.body.acknowledged_by, acknowledged_at: new Date(Date.parse(e.body.acknowledged_at)).toISOString(), user_ref: null, message_id: e.id });
  },
} satisfies MessageType<typeof NoticeAckBody>;
