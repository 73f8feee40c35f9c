import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Compile } from 'typebox/compile';
import type { NodeContext } from '../context.js';
import { canonicalJson } from '../crypto/canonical.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { keyFor, keyringOf } from '../federation/keyring.js';
import { findPeer, listPeerRows, type PeerRow } from '../federation/peers.repository.js';
import type { NodeIdentity } from '../node/identity.js';
import { anchorsFrom, type BadCheckpoint } from './audit.checkpoints.js';
import type { ChainAnchor } from './audit.chain.js';
import { WITNESS_ANSWER_KIND, WitnessAnswerSchema, type SignedCheckpoint, type WitnessAnswer, type Witnessed } from './checkpoints.schemas.js';
import { signEd25519 } from '../crypto/ed25519.js';

/**
 * A node asks each peer for the checkpoints that peer witnessed of it:
 * `GET /federation/v1/audit-checkpoints/:node`, signed by the asking node's key (headers
 * below), answered with a document signed by the witness. A witness answers only the node the
 * checkpoints are about: what it holds of one peer is not another peer's business.
 */
export const WITNESS_HEADERS = { node: 'x-accord-node', key: 'x-accord-key', at: 'x-accord-at', sig: 'x-accord-signature' } as const;
const REQUEST_KIND = 'accord.audit_witness_request';
/** A signed request or answer older than this is refused (a replayed one). */
const FRESH_MS = 5 * 60_000;
/** The newest checkpoints a witness returns: the newest one alone covers the whole chain before it. */
export const WITNESS_ANSWER_LIMIT = 1000;
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

function requestInput(from: string, to: string, node: string, at: string): Buffer {
  return Buffer.from(canonicalJson({ kind: REQUEST_KIND, from, to, node, at }), 'utf8');
}

/** The headers that sign a request to `witness` for the checkpoints of `node` (this node). */
export function witnessRequestHeaders(id: NodeIdentity, witness: string, node: string, at = new Date().toISOString()): Record<string, string> {
  const sig = signEd25519(requestInput(id.node_id, witness, node, at), id.privateKey).toString('base64url');
  return { [WITNESS_HEADERS.node]: id.node_id, [WITNESS_HEADERS.key]: id.fingerprint, [WITNESS_HEADERS.at]: at, [WITNESS_HEADERS.sig]: sig };
}

function fresh(at: string, now = Date.now()): boolean {
  const t = Date.parse(at);
  return Number.isFinite(t) && Math.abs(now - t) <= FRESH_MS;
}

function rowToWitnessed(r: { node_id: string; seq: number; hash: string; at: string; sig_key: string; sig: string; received_at: string; conflict: string | null; conflict_at: string | null }): Witnessed {
  return {
    checkpoint: { kind: 'accord.audit_checkpoint', v: 1, node: r.node_id, seq: Number(r.seq), hash: r.hash, at: r.at, sig: { suite: 'ed25519', key: r.sig_key, value: r.sig } },
    received_at: r.received_at,
    conflict: r.conflict === null ? null : (JSON.parse(r.conflict) as SignedCheckpoint),
    conflict_at: r.conflict_at,
  };
}

/** What this node witnessed of one peer, newest first; equivocations are the rows with a conflict. */
export async function listWitnessed(ctx: NodeContext, opts: { node?: string; limit: number; conflictsOnly?: boolean }): Promise<Witnessed[]> {
  let q = ctx.store.db.selectFrom('audit_witnessed').selectAll().orderBy('seq', 'desc').orderBy('node_id').limit(opts.limit);
  if (opts.node) q = q.where('node_id', '=', opts.node);
  if (opts.conflictsOnly) q = q.where('conflict', 'is not', null);
  return (await q.execute()).map(rowToWitnessed);
}

/** The witness side: checks the asking node's signature, then answers with what it holds, signed. */
export async function answerWitnessRequest(ctx: NodeContext, node: string, headers: Record<string, string | string[] | undefined>): Promise<WitnessAnswer> {
  const h = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : '');
  const from = h(WITNESS_HEADERS.node);
  const at = h(WITNESS_HEADERS.at);
  if (!from || !at || !h(WITNESS_HEADERS.key) || !h(WITNESS_HEADERS.sig)) throw new UnauthenticatedError('sign the request with the node key (x-accord-node, x-accord-key, x-accord-at, x-accord-signature)');
  const peer = await findPeer(ctx.store.db, from);
  if (!peer || peer.status === 'removed') throw new ForbiddenError('only a peer of this node may ask');
  if (!fresh(at)) throw new UnauthenticatedError('the request is not fresh: x-accord-at must be within 5 minutes of now');
  const key = keyFor(keyringOf(peer), h(WITNESS_HEADERS.key), at);
  let valid: boolean;
  try {
    valid = 'key' in key && verify(null, requestInput(from, ctx.identity.node_id, node, at), key.key, Buffer.from(h(WITNESS_HEADERS.sig), 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) throw new UnauthenticatedError('the request signature does not verify with the key pinned for this peer');
  if (from !== node) throw new ForbiddenError('a node may ask only for the checkpoints witnessed of itself');
  const checkpoints = await listWitnessed(ctx, { node, limit: WITNESS_ANSWER_LIMIT });
  const older = checkpoints.length === WITNESS_ANSWER_LIMIT ? await listWitnessed(ctx, { node, limit: WITNESS_ANSWER_LIMIT, conflictsOnly: true }) : [];
  // Conflicts are evidence: they go back whatever their age.
  const seen = new Set(checkpoints.map((c) => c.checkpoint.seq));
  const all = [...checkpoints, ...older.filter((c) => !seen.has(c.checkpoint.seq))];
  const unsigned = { kind: WITNESS_ANSWER_KIND, v: 1 as const, witness: ctx.identity.node_id, node, at: new Date().toISOString(), checkpoints: all };
  return { ...unsigned, sig: { suite: 'ed25519', key: ctx.identity.fingerprint, value: signEd25519(Buffer.from(canonicalJson(unsigned), 'utf8'), ctx.identity.privateKey).toString('base64url') } };
}

const checkAnswer = Compile(WitnessAnswerSchema);

export interface WitnessReport {
  peer: string;
  /** Whether the peer answered with a valid signed answer. */
  answered: boolean;
  error?: string;
  checkpoints: number;
  newest_seq: number | null;
  /** Seqs at which the peer holds two different checkpoints signed by this node. */
  equivocations: number[];
}

function answerValid(a: WitnessAnswer, peer: PeerRow, node: string): string | null {
  if (a.witness !== peer.node_id || a.node !== node) return 'the answer is about another node or from another witness';
  if (!fresh(a.at)) return 'the answer is not fresh';
  const key = keyFor(keyringOf(peer), a.sig.key, a.at);
  if (!('key' in key)) return `the answer is signed with a key not pinned for ${peer.node_id}`;
  const { sig, ...unsigned } = a;
  try {
    if (verify(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key.key, Buffer.from(sig.value, 'base64url'))) return null;
  } catch {
    // falls through
  }
  return 'the answer signature does not verify';
}

async function askOne(ctx: NodeContext, peer: PeerRow): Promise<WitnessAnswer | string> {
  const node = ctx.identity.node_id;
  let res: Response;
  try {
    res = await fetch(`${peer.base_url}/federation/v1/audit-checkpoints/${encodeURIComponent(node)}`, {
      headers: { accept: 'application/json', ...witnessRequestHeaders(ctx.identity, peer.node_id, node) },
      redirect: 'error',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    return `unreachable: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`;
  }
  const text = await res.text();
  if (text.length > MAX_ANSWER_BYTES) return 'the answer is too large';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${res.status}: not JSON`;
  }
  if (!res.ok) return `HTTP ${res.status}: ${(body as { detail?: string })?.detail ?? 'refused'}`;
  if (!checkAnswer.Check(body)) return 'the answer does not match the schema';
  return answerValid(body, peer, node) ?? body;
}

/**
 * Asks every peer (not removed) what it witnessed of this node and turns the checkpoints this
 * node really signed into anchors. A peer that cannot answer is reported, not counted as proof.
 */
export async function askWitnesses(ctx: NodeContext, keys: Map<string, KeyObject>): Promise<{ anchors: ChainAnchor[]; bad: BadCheckpoint[]; reports: WitnessReport[] }> {
  const peers = (await listPeerRows(ctx.store.db)).filter((p) => p.status !== 'removed');
  const answers = await Promise.all(peers.map((p) => askOne(ctx, p)));
  const anchors: ChainAnchor[] = [];
  const bad: BadCheckpoint[] = [];
  const reports: WitnessReport[] = [];
  peers.forEach((peer, i) => {
    const a = answers[i]!;
    if (typeof a === 'string') {
      reports.push({ peer: peer.node_id, answered: false, error: a, checkpoints: 0, newest_seq: null, equivocations: [] });
      return;
    }
    const held = a.checkpoints.flatMap((w) => (w.conflict ? [w.checkpoint, w.conflict] : [w.checkpoint]));
    const r = anchorsFrom(ctx, held, peer.node_id, keys);
    anchors.push(...r.anchors);
    bad.push(...r.bad);
    reports.push({
      peer: peer.node_id,
      answered: true,
      checkpoints: a.checkpoints.length,
      newest_seq: a.checkpoints.reduce<number | null>((m, w) => Math.max(m ?? 0, w.checkpoint.seq), null),
      equivocations: a.checkpoints.filter((w) => w.conflict !== null).map((w) => w.checkpoint.seq),
    });
  });
  return { anchors, bad, reports };
}
