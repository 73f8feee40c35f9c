import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { fingerprintOf, KEY_FILE, rawPublicKey } from '../node/identity.js';
import { KEY_ROTATION_TYPE, rotationProofInput, type KeyRotationBody } from './keyring.js';
import { enqueueMessages } from './outbox.service.js';
import { signEd25519 } from '../crypto/ed25519.js';

export interface RotationResult {
  old_fingerprint: string;
  new_fingerprint: string;
  effective_at: string;
  peers_notified: string[];
}

/**
 * Rotates the node key. Every peer gets an announcement signed by the old key that carries
 * the new key and the new key's proof of possession; from `effective_at` on, messages signed
 * with the old key are refused. The old key file is kept under keys/retired/.
 */
export async function rotateNodeKey(ctx: NodeContext, actor: Actor): Promise<RotationResult> {
  const { db, dialect } = ctx.store;
  const id = ctx.identity;
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  const newRaw = rawPublicKey(publicKey).toString('base64url');
  const body: KeyRotationBody = {
    old_fingerprint: id.fingerprint,
    new_public_key: newRaw,
    new_fingerprint: fingerprintOf(publicKey),
    effective_at: new Date().toISOString(),
    proof: '',
  };
  body.proof = signEd25519(rotationProofInput(id.node_id, body), privateKey).toString('base64url');

  const keyPath = join(ctx.settings.dataDir, KEY_FILE);
  const nextPath = `${keyPath}.next`;
  writeFileSync(nextPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

  const peers = await db.selectFrom('peers').select('node_id').where('status', '!=', 'removed').execute();
  await db.transaction().execute(async (trx) => {
    // The announcement is the last message of the old key: issued exactly when it retires.
    for (const p of peers) await enqueueMessages(ctx, trx, p.node_id, KEY_ROTATION_TYPE, [body], body.effective_at);
    await appendAudit(trx, dialect, { actor: actor.ref, ip: actor.ip, action: 'node.key_rotate', target: `node:${id.node_id}`, details: { old_fingerprint: body.old_fingerprint, new_fingerprint: body.new_fingerprint, peers: peers.length } });
  });
  mkdirSync(join(ctx.settings.dataDir, 'keys', 'retired'), { recursive: true, mode: 0o700 });
  renameSync(keyPath, join(ctx.settings.dataDir, 'keys', 'retired', `${body.old_fingerprint}.pem`));
  renameSync(nextPath, keyPath);
  Object.assign(id, { privateKey, publicKey, publicKeyRaw: newRaw, fingerprint: body.new_fingerprint });
  return { old_fingerprint: body.old_fingerprint, new_fingerprint: body.new_fingerprint, effective_at: body.effective_at, peers_notified: peers.map((p) => p.node_id) };
}
