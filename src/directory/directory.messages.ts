import { Compile } from 'typebox/compile';
import type { MessageType, MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { EntrySchema } from './directory.schemas.js';
import { storeEntry } from './directory.repository.js';

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

export function registerDirectoryMessages(r: MessageTypeRegistry): void {
  r.register(DirectoryEntryType);
}
