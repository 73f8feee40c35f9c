import type { NodeContext } from '../context.js';
import { createRegistry } from '../federation/federation.service.js';
import type { MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { registerDirectoryMessages } from '../directory/directory.messages.js';
import { registerGroupMessages } from '../groups/groups.messages.js';

/**
 * The composition root of the protocol: federation's own message types plus every
 * capability's. Federation imports no capability; capabilities are added here. Without
 * `ctx` the registry only describes the types (for the published schemas).
 */
export function createNodeRegistry(ctx?: NodeContext): MessageTypeRegistry {
  const r = createRegistry();
  registerGroupMessages(r);
  registerDirectoryMessages(r, ctx);
  return r;
}
