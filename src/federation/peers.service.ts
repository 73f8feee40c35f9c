import { sql } from 'kysely';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ConflictError, InvalidInputError, NotFoundError, invalidFields } from '../errors.js';
import type { PeerStatus } from './federation.tables.js';
import { isPending } from './outbox.conditions.js';
import { findPeer, listPeerRows, rowToPeer, updatePeer, type Peer } from './peers.repository.js';
import { checkNodeDescription, type SignedNodeDescription } from './protocol/node-description.js';
import { isRedirect, readCapped } from './transport.js';

export class PeerUnreachableError extends AppError {
  override name = 'PeerUnreachableError';
  constructor(url: string, why: string) {
    super(502, 'peer-unreachable', 'Peer unreachable', `could not fetch ${url}: ${why}`);
  }
}
export class FingerprintMismatchError extends AppError {
  override name = 'FingerprintMismatchError';
  constructor(expected: string, actual: string) {
    super(409, 'fingerprint-mismatch', 'Fingerprint mismatch', `the peer's key has fingerprint ${actual}, not the ${expected} you were given; do not add it until you have checked with its operators`, { expected, actual });
  }
}

export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[\s:]/g, '').toLowerCase();
}

export function normaliseBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidFields([{ pointer: '/url', code: 'format', format: 'uri', message: 'is not a URL' }], `not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidFields([{ pointer: '/url', code: 'format', format: 'uri', message: 'must be an http(s) URL' }], 'a peer URL must be http(s)');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const NETWORK_FAILURES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
};

/** Why a fetch failed, in words: fetch says only "fetch failed" and keeps the reason in `cause`. */
export function unreachableReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
  const code = err.cause?.code;
  if (code === undefined) return err.cause?.message ?? err.message;
  return `${NETWORK_FAILURES[code] ?? 'the connection failed'} (${code})`;
}

/** A node description is a few hundred bytes; anything much larger is not one. */
const MAX_DESCRIPTION_BYTES = 256 * 1024;

export async function fetchNodeDescription(baseUrl: string): Promise<SignedNodeDescription> {
  const url = `${baseUrl}/federation/v1/node`;
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' }, redirect: 'manual' });
    if (isRedirect(res)) {
      await res.body?.cancel().catch(() => undefined);
      throw new PeerUnreachableError(url, `HTTP ${res.status}: redirects are not followed; add the peer by the address it answers at`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new PeerUnreachableError(url, `HTTP ${res.status}`);
    }
    text = await readCapped(res, MAX_DESCRIPTION_BYTES);
  } catch (e) {
    if (e instanceof PeerUnreachableError) throw e;
    throw new PeerUnreachableError(url, unreachableReason(e));
  }
  try {
    return JSON.parse(text) as SignedNodeDescription;
  } catch {
    throw new PeerUnreachableError(url, 'the answer is not JSON');
  }
}

/**
 * Adds a peer: fetches its signed description and pins its key only if the key's fingerprint
 * equals the one its operators read out to ours (checked out of band).
 */
export async function addPeer(ctx: NodeContext, actor: Actor, input: { url: string; fingerprint: string }): Promise<Peer> {
  const baseUrl = normaliseBaseUrl(input.url);
  const expected = normaliseFingerprint(input.fingerprint);
  if (!/^[0-9a-f]{64}$/.test(expected)) throw invalidFields([{ pointer: '/fingerprint', code: 'pattern', message: 'must be 64 hexadecimal digits' }], 'the fingerprint must be 64 hexadecimal digits (spaces allowed)');
  const d = await fetchNodeDescription(baseUrl);
  const check = checkNodeDescription(d);
  if (!check.ok) throw new InvalidInputError(check.why);
  if (check.fingerprint !== expected) throw new FingerprintMismatchError(expected, check.fingerprint);
  if (d.node_id === ctx.identity.node_id) throw new InvalidInputError('that is this node itself');
  const { db, dialect } = ctx.store;
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const existing = await findPeer(trx, d.node_id);
    if (existing && existing.status !== 'removed') throw new ConflictError(`peer ${d.node_id} exists already`);
    const row = {
      base_url: baseUrl,
      country: d.country,
      names: JSON.stringify(d.names),
      authority_kinds: JSON.stringify(d.authority_kinds),
      key_suite: d.key_suite,
      public_key: d.public_key,
      fingerprint: check.fingerprint,
      status: 'active' as const,
      updated_at: now,
      last_error: null,
      failures: 0,
      next_attempt_at: null,
    };
    if (existing) await updatePeer(trx, d.node_id, row);
    else await trx.insertInto('peers').values({ node_id: d.node_id, added_at: now, last_contact_at: now, last_error_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]', ...row }).execute();
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'peer.add', target: `peer:${d.node_id}`, details: { url: baseUrl, fingerprint: check.fingerprint } });
  });
  return getPeer(ctx, d.node_id);
}

/** The peers messages go to now (neither suspended nor removed). */
export async function activePeerIds(ctx: NodeContext): Promise<string[]> {
  return (await ctx.store.db.selectFrom('peers').select('node_id').where('status', '=', 'active').execute()).map((p) => p.node_id);
}

export async function getPeer(ctx: NodeContext, nodeId: string): Promise<Peer> {
  const row = await findPeer(ctx.store.db, nodeId);
  if (!row) throw new NotFoundError(`peer ${nodeId}`);
  return rowToPeer(row);
}

export interface PeerState extends Peer {
  queue_length: number;
  oldest_undelivered_at: string | null;
  reachable: boolean | null;
}

/** Every peer with its delivery state: queue length, oldest undelivered message, last error. */
export async function listPeers(ctx: NodeContext): Promise<PeerState[]> {
  const db = ctx.store.db;
  const queues = await db
    .selectFrom('outbox')
    .select(['peer_id', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
    .where(isPending)
    .groupBy('peer_id')
    .execute();
  const byPeer = new Map(queues.map((q) => [q.peer_id, q]));
  return (await listPeerRows(db)).map((r) => {
    const q = byPeer.get(r.node_id);
    const p = rowToPeer(r);
    return {
      ...p,
      queue_length: Number(q?.n ?? 0),
      oldest_undelivered_at: (q?.oldest as string | null | undefined) ?? null,
      reachable: p.last_error_at === null ? (p.last_contact_at ? true : null) : p.last_contact_at !== null && p.last_contact_at > p.last_error_at,
    };
  });
}

export async function setPeerStatus(ctx: NodeContext, actor: Actor, nodeId: string, status: PeerStatus): Promise<Peer> {
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    if (!(await findPeer(trx, nodeId))) throw new NotFoundError(`peer ${nodeId}`);
    await updatePeer(trx, nodeId, { status });
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: `peer.${status === 'active' ? 'resume' : status === 'suspended' ? 'suspend' : 'remove'}`, target: `peer:${nodeId}` });
  });
  return getPeer(ctx, nodeId);
}

/** Clears the backoff so that the delivery worker tries this peer at once. */
export async function retryPeerNow(ctx: NodeContext, actor: Actor, nodeId: string): Promise<Peer> {
  const { db, dialect } = ctx.store;
  await db.transaction().execute(async (trx) => {
    if (!(await findPeer(trx, nodeId))) throw new NotFoundError(`peer ${nodeId}`);
    await updatePeer(trx, nodeId, { next_attempt_at: null, failures: 0 });
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'peer.retry', target: `peer:${nodeId}` });
  });
  return getPeer(ctx, nodeId);
}

/** Reserves `n` consecutive release numbers for a peer (inside the caller's transaction). */
export async function reserveSeq(trx: Parameters<typeof findPeer>[0], nodeId: string, n: number): Promise<number> {
  const r = await trx
    .updateTable('peers')
    .set({ next_seq: sql`next_seq + ${n}` })
    .where('node_id', '=', nodeId)
    .returning('next_seq')
    .executeTakeFirst();
  if (!r) throw new NotFoundError(`peer ${nodeId}`);
  return Number(r.next_seq) - n;
}
