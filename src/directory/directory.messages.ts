import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { MessageType } from '../federation/protocol/message-types.js';
import { EntrySchema } from './directory.schemas.js';
// The pinned peer, read in the handler's transaction (federation's function, not its table).
import { findPeer } from '../federation/peers.repository.js';
import { storeEntry } from './directory.repository.js';
import { peerEntryProblem } from './directory.rules.js';
import { PING_ACK_TYPE, PING_TEST_TYPE, receivePingAck, receivePingTest } from './ping-tests.service.js';

const checkEntry = Compile(EntrySchema);

/**
 * `directory.entry/v1`: a node's signed directory entry. Receivers keep the newest version
 * per node, with the envelope as proof. An entry about another node than its sender, or that
 * does not match the pinned peer or has unbounded dates (peerEntryProblem), is ignored.
 */
export const DirectoryEntryType = {
  type: 'directory.entry/v1',
  body: EntrySchema,
  handle: async (trx, e, ctx) => {
    if (e.body.node_id !== e.from || !checkEntry.Check(e.body)) return;
    const peer = await findPeer(trx, e.from);
    if (!peer || peerEntryProblem(e.body, peer, e.issued_at, ctx.settings.clockSkewSeconds * 1000) !== null) return;
    await storeEntry(trx, e.body, { envelope: JSON.stringify(e), isOwn: false });
  },
} satisfies MessageType<typeof EntrySchema>;

const Timestamp = Type.String({ minLength: 20, maxLength: 40 });
const PingTestBody = Type.Object({ test_id: Type.String({ format: 'uuid' }), window_minutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }), started_at: Timestamp }, { additionalProperties: false });
const PingAckBody = Type.Object({ test_id: Type.String({ format: 'uuid' }), confirmed_at: Timestamp, confirmed_by: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

/** `directory.ping_test/v1`: a peer asks this node's contacts to confirm within a window. */
export const PingTestType = {
  type: PING_TEST_TYPE,
  body: PingTestBody,
  handle: (trx, e, ctx) => receivePingTest(ctx, trx, e.from, e.body),
} satisfies MessageType<typeof PingTestBody>;

/** `directory.ping_ack/v1`: a human at the peer confirmed one of our ping tests. */
export const PingAckType = {
  type: PING_ACK_TYPE,
  body: PingAckBody,
  handle: (trx, e, ctx) => receivePingAck(trx, e.from, e.body, { issuedAt: e.issued_at, skewMs: ctx.settings.clockSkewSeconds * 1000 }),
} satisfies MessageType<typeof PingAckBody>;

/** The directory's message types (its descriptor lists them). */
export const directoryMessages = [DirectoryEntryType, PingTestType, PingAckType];
