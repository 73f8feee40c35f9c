import type { MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { assemble, type Assembly } from './assembly.js';
import { CAPABILITIES } from './capabilities.js';

let standard: Assembly | undefined;

/** The node as shipped: every capability of CAPABILITIES (tests may assemble others). */
export function standardAssembly(): Assembly {
  return (standard ??= assemble(CAPABILITIES));
}

/** Every message type the node's capabilities declare (for receiving, and for the published schemas). */
export function createNodeRegistry(): MessageTypeRegistry {
  return standardAssembly().createRegistry();
}
