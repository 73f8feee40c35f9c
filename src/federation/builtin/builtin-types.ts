import { Type, type Static } from 'typebox';
import type { DbOrTrx } from '../../store/db.js';
import { insertRows } from '../../store/insert-rows.js';
import type { Envelope } from '../protocol/envelope.js';
import type { MessageType } from '../protocol/message-types.js';
import { checkRotation, KEY_ROTATION_TYPE, keyringOf, rotationLimits } from '../keyring.js';
import { redeliverAfter } from '../outbox.service.js';
import { findPeer, updatePeer } from '../peers.repository.js';
import { recordReceivedReplies } from '../notices.repository.js';

const PingBody = Type.Object({ nonce: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
// `in_reply_to` (optional, so v1 notices without it stay valid): the id of the notice this one answers.
const NoticeBody = Type.Object(
  { subject: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 10_000 }), in_reply_to: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
const CatchUpBody = Type.Object({ after_seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

/** `federation.ping/v1`: proves the whole path (sign, send, verify, store, receipt); applies nothing. */
export const PingType = {
  type: 'federation.ping/v1',
  body: PingBody,
  handle: async () => {},
} satisfies MessageType<typeof PingBody>;

async function storeNotices(trx: DbOrTrx, es: Envelope<Static<typeof NoticeBody>>[]): Promise<void> {
  const receivedAt = new Date().toISOString();
  await insertRows(
    trx,
    'notices',
    { id: 'text', from_node: 'text', subject: 'text', text: 'text', issued_at: 'text', received_at: 'text' },
    es.map((e) => ({ id: e.id, from_node: e.from, subject: e.body.subject, text: e.body.text, issued_at: e.issued_at, received_at: receivedAt })),
  );
  await recordReceivedReplies(trx, es.flatMap((e) => (e.body.in_reply_to ? [{ notice_id: e.id, from: e.from, in_reply_to: e.body.in_reply_to }] : [])));
}

/** `federation.notice/v1`: a short notice from one node's operators to another's, perhaps answering one (`in_reply_to`). */
export const NoticeType = {
  type: 'federation.notice/v1',
  body: NoticeBody,
  handle: (trx, e) => storeNotices(trx, [e]),
  handleMany: storeNotices,
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

const Fingerprint = Type.String({ pattern: '^[0-9a-f]{64}$' });
const KeyRotationBody = Type.Object(
  {
    old_fingerprint: Fingerprint,
    new_public_key: Type.String({ minLength: 43, maxLength: 43 }),
    new_fingerprint: Fingerprint,
    effective_at: Type.String({ minLength: 20, maxLength: 40 }),
    proof: Type.String({ minLength: 10, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/**
 * `federation.key_rotation/v1`: the sender's new key, announced under its old one. The peer's
 * pinned key switches over; the old one stays valid only for messages issued before `effective_at`.
 */
export const KeyRotationType = {
  type: KEY_ROTATION_TYPE,
  body: KeyRotationBody,
  handle: async (trx, e, ctx) => {
    const peer = await findPeer(trx, e.from);
    if (!peer || peer.fingerprint === e.body.new_fingerprint) return;
    const b = checkRotation(keyringOf(peer), e, rotationLimits(ctx));
    // @NOTE: an announcement whose proof fails is ignored: the pinned key stays.
    if (!b) return;
    const retired = [...(JSON.parse(peer.retired_keys) as unknown[]), { public_key: peer.public_key, fingerprint: peer.fingerprint, retired_at: b.effective_at }];
    await updatePeer(trx, e.from, { public_key: b.new_public_key, fingerprint: b.new_fingerprint, retired_keys: JSON.stringify(retired) });
  },
} satisfies MessageType<typeof KeyRotationBody>;
