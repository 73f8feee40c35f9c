import type { NodeContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { BatchRefusedError, checkBatchHeader } from '../../federation/inbox.service.js';
import { keyFor, keyringOf } from '../../federation/keyring.js';
import { signBytes, verifyBytes } from '../../node/identity.js';

/**
 * Requests one node makes of another outside the outbox (evidence chunks are pulled, never
 * pushed through the outbox), signed by the requesting node:
 *
 *   Accord-Node:      the requester's node id
 *   Accord-Date:      when it asked (ISO 8601), inside the receiving node's replay window
 *   Accord-Signature: <key fingerprint>:<Ed25519 signature, base64url>
 *
 * over the text `accord-request/v1\n<METHOD>\n<path>\n<date>\n<requester>\n<answering node>`.
 * The answering node checks it as its inbox checks a batch header (a peer in good standing,
 * addressed to it, fresh, its pinned key or a key it retired no earlier than the date).
 */
export const REQUEST_SIGNATURE_CONTEXT = 'accord-request/v1';

export class PeerRequestError extends AppError {
  override name = 'PeerRequestError';
  constructor(status: 401 | 403, detail: string) {
    super(status, status === 401 ? 'peer-unauthenticated' : 'peer-forbidden', status === 401 ? 'Not authenticated as a peer' : 'Not allowed for this peer', detail);
  }
}

function signedText(method: string, path: string, date: string, from: string, to: string): Buffer {
  return Buffer.from([REQUEST_SIGNATURE_CONTEXT, method.toUpperCase(), path, date, from, to].join('\n'), 'utf8');
}

/** The headers that authenticate this node's request to `to`. */
export function signPeerRequest(ctx: Pick<NodeContext, 'identity'>, method: string, path: string, to: string, now = new Date()): Record<string, string> {
  const date = now.toISOString();
  const from = ctx.identity.node_id;
  return { 'accord-node': from, 'accord-date': date, 'accord-signature': `${ctx.identity.fingerprint}:${signBytes(ctx.identity, signedText(method, path, date, from, to))}` };
}

/**
 * The peer that signed this request, or PeerRequestError: 401 without a valid signature by a
 * key this node pins for the named peer, 403 for a node that is no peer (or a suspended one).
 */
export async function authenticatePeerRequest(ctx: NodeContext, method: string, path: string, headers: Record<string, string | string[] | undefined>): Promise<string> {
  const one = (h: string) => (typeof headers[h] === 'string' ? (headers[h] as string) : undefined);
  const from = one('accord-node');
  const date = one('accord-date');
  const sig = one('accord-signature');
  if (!from || !date || !sig) throw new PeerRequestError(401, 'sign the request as a peer: Accord-Node, Accord-Date and Accord-Signature');
  const cut = sig.indexOf(':');
  if (cut < 1 || Number.isNaN(Date.parse(date))) throw new PeerRequestError(401, 'Accord-Signature is <key fingerprint>:<signature>, Accord-Date an ISO 8601 time');
  const fingerprint = sig.slice(0, cut);
  const me = ctx.identity.node_id;
  let peer;
  try {
    peer = await checkBatchHeader(ctx, { from, to: [me], issued_at: date, sig: { key: fingerprint } });
  } catch (e) {
    if (e instanceof BatchRefusedError) throw new PeerRequestError(e.status === 403 ? 403 : 401, e.message);
    throw e;
  }
  if (!peer) throw new PeerRequestError(401, 'no requester');
  const key = keyFor(keyringOf(peer), fingerprint, date);
  if (!('key' in key)) throw new PeerRequestError(401, `the request is signed with a key ${from} does not hold (${key.reason})`);
  if (!verifyBytes(key.key, signedText(method, path, date, from, me), sig.slice(cut + 1))) throw new PeerRequestError(401, 'the request signature does not verify');
  return from;
}
