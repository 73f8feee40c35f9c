import { Compile } from 'typebox/compile';
import type { DbOrTrx } from '../store/db.js';
import type { NodeContext } from '../context.js';
import { keyFor, keyringOf } from '../federation/keyring.js';
import { findPeer } from '../federation/peers.repository.js';
import type { Envelope } from '../federation/protocol/envelope.js';
import type { MessageType } from '../federation/protocol/message-types.js';
import { appendAudit } from './audit.repository.js';
import { CHECKPOINT_TYPE, checkpointSignatureValid } from './audit.checkpoints.js';
import { CheckpointSchema, type SignedCheckpoint } from './checkpoints.schemas.js';

const checkCheckpoint = Compile(CheckpointSchema);
const MAX_SKEW_MS = 10 * 60_000;

/**
 * Keeps a peer's checkpoint as its witness. The first checkpoint for a (node, seq) stays; a
 * second one with another hash is kept beside it as proof of equivocation (the peer signed
 * two different histories) and audited here.
 */
async function witness(trx: DbOrTrx, e: Envelope<SignedCheckpoint>, ctx: NodeContext): Promise<void> {
  const cp = e.body;
  // Only the node itself vouches for its chain, with the key that signed the envelope.
  if (cp.node !== e.from || cp.sig.key !== e.sig.key || !checkCheckpoint.Check(cp)) return;
  // Signed and queued in one transaction: a time far from the envelope's is a made-up one.
  const at = Date.parse(cp.at);
  if (!Number.isFinite(at) || Math.abs(at - Date.parse(e.issued_at)) > MAX_SKEW_MS) return;
  const peer = await findPeer(trx, e.from);
  if (!peer) return;
  const key = keyFor(keyringOf(peer), cp.sig.key, e.issued_at);
  if (!('key' in key) || !checkpointSignatureValid(cp, key.key)) return;
  const now = new Date().toISOString();
  const row = { node_id: cp.node, seq: cp.seq, hash: cp.hash, at: cp.at, sig_key: cp.sig.key, sig: cp.sig.value, received_at: now, conflict: null, conflict_at: null };
  const inserted = await trx.insertInto('audit_witnessed').values(row).onConflict((oc) => oc.columns(['node_id', 'seq']).doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return;
  const first = await trx.selectFrom('audit_witnessed').select(['hash', 'conflict']).where('node_id', '=', cp.node).where('seq', '=', cp.seq).executeTakeFirstOrThrow();
  if (first.hash === cp.hash || first.conflict !== null) return;
  await trx.updateTable('audit_witnessed').set({ conflict: JSON.stringify(cp), conflict_at: now }).where('node_id', '=', cp.node).where('seq', '=', cp.seq).execute();
  await appendAudit(trx, ctx.store.dialect, {
    actor: 'system',
    action: 'audit.equivocation',
    target: `peer:${cp.node}`,
    details: { seq: cp.seq, first_hash: first.hash, second_hash: cp.hash, second_at: cp.at },
  });
}

/** `audit.checkpoint/v1`: a peer's signed audit head, which this node witnesses. */
export const AuditCheckpointType = {
  type: CHECKPOINT_TYPE,
  body: CheckpointSchema,
  handle: witness,
} satisfies MessageType<typeof CheckpointSchema>;
