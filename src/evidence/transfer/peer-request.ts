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
 * addressed to it, fresh, its pinned key or a key it retired no earlier than the date), and
 * answers each signed request once: the same request sent again (captured and replayed) is
 * refused, 409, for as long as its date is inside the replay window (older ones are refused as
 * stale). The signatures are kept in the database, so that no process of the node answers it twice.
 */
export const REQUEST_SIGNATURE_CONTEXT = 'accord-request/v1';

const PROBLEMS = {
  401: ['peer-unauthenticated', 'Not authenticated as a peer'],
  403: ['peer-forbidden', 'Not allowed for this peer'],
  409: ['peer-request-replayed', 'Request replayed'],
} as const;

export class PeerRequestError extends AppError {
  override name = 'PeerRequestError';
  constructor(status: 401 | 403 | 409, detail: string) {
    super(status, PROBLEMS[status][0], PROBLEMS[status][1], detail);
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
  await answerOnce(ctx, from, sig);
  return from;
}

let insertsSincePurge = 0;

/** Records a verified request's signature; one recorded before is a replay. Forgets those past the replay window now and then. */
async function answerOnce(ctx: NodeContext, peer: string, signature: string): Promise<void> {
  const now = Date.now();
  const r = await ctx.store.db
    .insertInto('evidence_seen_requests')
    .values({ signature, peer, seen_at: new Date(now).toISOString() })
    .onConflict((oc) => oc.column('signature').doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) throw new PeerRequestError(409, 'this signed request was answered before: sign each request anew');
  if (++insertsSincePurge >= 1000) {
    insertsSincePurge = 0;
    // A request is fresh for the replay window (plus the allowed clock skew) after its date; twice that is past any doubt.
    const keepMs = 2 * (ctx.settings.replayWindowSeconds + ctx.settings.clockSkewSeconds) * 1000;
    await ctx.store.db.deleteFrom('evidence_seen_requests').where('seen_at', '<', new Date(now - keepMs).toISOString()).execute();
  }
}
