import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../node/identity.js';
import { checkRotation, KEY_ROTATION_TYPE, keyringForBatch, keyringOf, rotationProofInput, type KeyRotationBody, type RotationLimits } from './keyring.js';
import { signEnvelope, type Envelope } from './protocol/envelope.js';

function identity(nodeId: string): NodeIdentity {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { node_id: nodeId, privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) } as NodeIdentity;
}

const old = identity('uz-cert');
const next = identity('uz-cert');
const other = identity('kz-cert');
const ring = keyringOf({ fingerprint: old.fingerprint, public_key: old.publicKeyRaw, retired_keys: '[]' });
const limits: RotationLimits = { windowMs: 600_000, notAfter: Date.now() + 60_000 };

/** A rotation announcement from `old` to `next`, signed as the sender would, with changes. */
function announcement(over: Partial<KeyRotationBody> = {}, issuedAt = new Date().toISOString()): Envelope<KeyRotationBody> {
  const body: KeyRotationBody = { old_fingerprint: old.fingerprint, new_public_key: next.publicKeyRaw, new_fingerprint: next.fingerprint, effective_at: issuedAt, proof: '', ...over };
  body.proof = sign(null, rotationProofInput('uz-cert', body), next.privateKey).toString('base64url');
  return signEnvelope(old, { v: 1, id: '0190aaaa-0000-7000-8000-000000000001', from: 'uz-cert', to: ['kz-cert'], type: KEY_ROTATION_TYPE, issued_at: issuedAt, body });
}

describe('a key rotation announcement (finding 9 of issue 10)', () => {
  it('is accepted when the new fingerprint is the hash of the new key and it takes effect when issued', () => {
    expect(checkRotation(ring, announcement(), limits)?.new_fingerprint).toBe(next.fingerprint);
  });

  it("is refused when it names another node's fingerprint than the new key's", () => {
    expect(checkRotation(ring, announcement({ new_fingerprint: other.fingerprint }), limits)).toBeNull();
  });

  it('is refused when effective_at is far from issued_at: a retired key must not stay valid until 9999', () => {
    expect(checkRotation(ring, announcement({ effective_at: '9999-12-31T23:59:59.000Z' }), limits)).toBeNull();
    expect(checkRotation(ring, announcement({ effective_at: new Date(Date.now() + 3600_000).toISOString() }), limits)).toBeNull();
    expect(checkRotation(ring, announcement({ effective_at: 'not-a-date-at-all-really' }), limits)).toBeNull();
    // Within the window either way is fine (the clocks of two nodes differ a little).
    expect(checkRotation(ring, announcement({ effective_at: new Date(Date.now() + 5_000).toISOString() }), limits)).not.toBeNull();
  });

  it('is refused when it comes from the future', () => {
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(checkRotation(ring, announcement({}, later), limits)).toBeNull();
  });

  it('lets a batch under the new key through only with a valid announcement inside', () => {
    const batchWith = (e: Envelope) => signEnvelope(next, { v: 1, id: '0190aaaa-0000-7000-8000-000000000002', from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [e] } });
    expect(keyringForBatch(ring, batchWith(announcement()), limits).current.fingerprint).toBe(next.fingerprint);
    expect(keyringForBatch(ring, batchWith(announcement({ effective_at: '9999-12-31T23:59:59.000Z' })), limits).current.fingerprint).toBe(old.fingerprint);
  });
});
