import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { NodeContext } from '../context.js';
import type { MessageType, MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { EntrySchema } from './directory.schemas.js';
import { storeEntry } from './directory.repository.js';
import { PING_ACK_TYPE, PING_TEST_TYPE, receivePingAck, receivePingTest } from './ping-tests.service.js';

const checkEntry = Compile(EntrySchema);

/**
 * `directory.entry/v1`: a node's signed directory entry. Receivers keep the newest version
 * per node, with the envelope as proof; an entry about another node than its sender is ignored.
 */
export const DirectoryEntryType = {
  type: 'directory.entry/v1',
  body: EntrySchema,
  handle: async (trx, e) => {
    if (e.body.node_id !== e.from || !checkEntry.Check(e.body)) return;
    await storeEntry(trx, e.body, { envelope: JSON.stringify(e), isOwn: false });
  },
} satisfies MessageType<typeof EntrySchema>;

const Timestamp = Type.String({ minLength: 20, maxLength: 40 });
const PingTestBody = Type.Object({ test_id: Type.String({ format: 'uuid' }), window_minutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }), started_at: Timestamp }, { additionalProperties: false });
const PingAckBody = Type.Object({ test_id: Type.String({ format: 'uuid' }), confirmed_at: Timestamp, confirmed_by: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

/** The directory's message types; ping tests need the node (to notify its contacts). */
export function registerDirectoryMessages(r: MessageTypeRegistry, ctx?: NodeContext): void {
  r.register(DirectoryEntryType);
  r.register({
    type: PING_TEST_TYPE,
    body: PingTestBody,
    handle: async (trx, e) => {
      // Only a registry built for the schemas (docs) lacks the node; it never receives.
      if (!ctx) throw new Error('a ping test arrived at a registry without a node');
      await receivePingTest(ctx, trx, e.from, e.body);
    },
  } satisfies MessageType<typeof PingTestBody>);
  r.register({
    type: PING_ACK_TYPE,
    body: PingAckBody,
    handle: (trx, e) => receivePingAck(trx, e.from, e.body),
  } satisfies MessageType<typeof PingAckBody>);
}
