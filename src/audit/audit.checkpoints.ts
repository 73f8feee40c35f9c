import { createPrivateKey, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, NodeContext } from '../context.js';
import { canonicalJson } from '../crypto/canonical.js';
import { ConflictError } from '../errors.js';
import { enqueueMessages } from '../federation/outbox.service.js';
import { activePeerIds } from '../federation/peers.service.js';
import { fingerprintOf, type NodeIdentity } from '../node/identity.js';
import type { DbOrTrx } from '../store/db.js';
import type { ChainAnchor } from './audit.chain.js';
import { appendAudit, auditHead, lockAuditChain } from './audit.repository.js';
import { CHECKPOINT_KIND, type SignedCheckpoint } from './checkpoints.schemas.js';
import { signEd25519 } from '../crypto/ed25519.js';

export const CHECKPOINT_TYPE = 'audit.checkpoint/v1';
/** How often the job looks whether the chain moved since the last checkpoint. */
export const CHECKPOINT_EVERY_MS = 10 * 60_000;

function signedPart(cp: Omit<SignedCheckpoint, 'sig'> | SignedCheckpoint): Buffer {
  const { sig: _sig, ...rest } = cp as SignedCheckpoint;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export function signCheckpoint(id: NodeIdentity, head: { seq: number; hash: string }, at = new Date().toISOString()): SignedCheckpoint {
  const unsigned = { kind: CHECKPOINT_KIND, v: 1 as const, node: id.node_id, seq: head.seq, hash: head.hash, at };
  return { ...unsigned, sig: { suite: 'ed25519', key: id.fingerprint, value: signEd25519(signedPart(unsigned), id.privateKey).toString('base64url') } };
}

export function checkpointSignatureValid(cp: SignedCheckpoint, key: KeyObject): boolean {
  try {
    return cp.sig.suite === 'ed25519' && verify(null, signedPart(cp), key, Buffer.from(cp.sig.value, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * The node's own public keys by fingerprint: the current one and the retired ones kept under
 * keys/retired/ (a checkpoint signed before a rotation stays verifiable). They come from the
 * node folder, not the database, so whoever rewrites the database cannot plant a key.
 */
export function ownKeys(ctx: NodeContext): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>([[ctx.identity.fingerprint, ctx.identity.publicKey]]);
  const dir = join(ctx.settings.dataDir, 'keys', 'retired');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pem'));
  } catch {
    return keys;
  }
  for (const f of files) {
    try {
      const pub = createPublicKey(createPrivateKey(readFileSync(join(dir, f))));
      keys.set(fingerprintOf(pub), pub);
    } catch {
      // An unreadable file is not a key; checkpoints it would verify are reported as unverifiable.
    }
  }
  return keys;
}

function rowToCheckpoint(r: { seq: number; hash: string; at: string; node_id: string; sig_key: string; sig: string }): SignedCheckpoint {
  return { kind: CHECKPOINT_KIND, v: 1, node: r.node_id, seq: Number(r.seq), hash: r.hash, at: r.at, sig: { suite: 'ed25519', key: r.sig_key, value: r.sig } };
}

export interface CheckpointResult {
  checkpoint: SignedCheckpoint;
  /** The peers it was queued for. */
  sent_to: string[];
}

/**
 * Signs the chain's head, keeps the checkpoint and queues it for every active peer, in one
 * transaction. `actor` is set when someone asked for it (audited); the job passes none.
 */
export async function takeCheckpoint(ctx: NodeContext, actor?: Actor): Promise<CheckpointResult> {
  const { db, dialect } = ctx.store;
  // Read outside the transaction: SQLite has one connection, held by the transaction.
  const peers = await activePeerIds(ctx);
  return db.transaction().execute(async (trx) => {
    await lockAuditChain(trx, dialect);
    if (actor) await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'audit.checkpoint', target: `node:${ctx.identity.node_id}`, details: { peers: peers.length } });
    const head = await auditHead(trx);
    if (!head) throw new ConflictError('the audit log is empty: there is nothing to checkpoint');
    const existing = await trx.selectFrom('audit_checkpoints').selectAll().where('seq', '=', head.seq).executeTakeFirst();
    if (existing) return { checkpoint: rowToCheckpoint(existing), sent_to: [] };
    const checkpoint = signCheckpoint(ctx.identity, head);
    const sentTo: string[] = [];
    for (const peer of peers) {
      try {
        await enqueueMessages(ctx, trx, peer, CHECKPOINT_TYPE, [checkpoint]);
        sentTo.push(peer);
      } catch (err) {
        // A release rule may refuse one peer; the others still witness the checkpoint.
        if ((err as { status?: number }).status !== 403) throw err;
      }
    }
    const after = await auditHead(trx);
    await trx
      .insertInto('audit_checkpoints')
      .values({ seq: head.seq, hash: head.hash, at: checkpoint.at, node_id: checkpoint.node, sig_key: checkpoint.sig.key, sig: checkpoint.sig.value, head_after: after!.seq })
      .execute();
    return { checkpoint, sent_to: sentTo };
  });
}

/** The job: a checkpoint when the chain moved since the last one (its own sends do not count). */
export async function checkpointIfMoved(ctx: NodeContext): Promise<CheckpointResult | null> {
  const db = ctx.store.db;
  const last = await db.selectFrom('audit_checkpoints').select('head_after').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const head = await auditHead(db);
  if (!head || (last && Number(last.head_after) >= head.seq)) return null;
  return takeCheckpoint(ctx);
}

export async function listOwnCheckpoints(db: DbOrTrx, limit?: number): Promise<SignedCheckpoint[]> {
  let q = db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc');
  if (limit !== undefined) q = q.limit(limit);
  return (await q.execute()).map(rowToCheckpoint);
}

export interface BadCheckpoint {
  seq: number;
  source: string;
  reason: string;
}

/**
 * Turns checkpoints that claim to be this node's into anchors for the chain; those not signed
 * by one of its keys (planted in the table, or handed back altered by a witness) are reported.
 */
export function anchorsFrom(ctx: NodeContext, checkpoints: SignedCheckpoint[], source: string, keys = ownKeys(ctx)): { anchors: ChainAnchor[]; bad: BadCheckpoint[] } {
  const anchors: ChainAnchor[] = [];
  const bad: BadCheckpoint[] = [];
  for (const cp of checkpoints) {
    const key = keys.get(cp.sig.key);
    if (cp.node !== ctx.identity.node_id) bad.push({ seq: cp.seq, source, reason: `names node ${cp.node}` });
    else if (!key) bad.push({ seq: cp.seq, source, reason: `signed with key ${cp.sig.key}, which is not one of this node's keys` });
    else if (!checkpointSignatureValid(cp, key)) bad.push({ seq: cp.seq, source, reason: 'its signature does not verify' });
    else anchors.push({ seq: cp.seq, hash: cp.hash, at: cp.at, source });
  }
  return { anchors, bad };
}
