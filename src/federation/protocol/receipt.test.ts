import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../crypto/canonical.js';
import type { NodeIdentity } from '../../node/identity.js';
import { RejectReason, signReceiptCanonical, verifyReceipt, type ReceiptItem } from './receipt.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const identity = { node_id: 'node-b', fingerprint: 'e'.repeat(64), privateKey } as unknown as NodeIdentity;

const item: fc.Arbitrary<ReceiptItem> = fc.oneof(
  fc.record({ message_id: fc.uuid(), digest: fc.string({ minLength: 64, maxLength: 64 }), status: fc.constantFrom('accepted' as const, 'duplicate' as const) }),
  fc.record({ message_id: fc.string(), digest: fc.string(), status: fc.constant('rejected' as const), reason: fc.constantFrom(...Object.values(RejectReason)), detail: fc.string() }),
);

describe('a receipt written member by member', () => {
  it('is the RFC 8785 form of the signed receipt, and verifies', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), fc.uuid(), (items, batchId) => {
        const { receipt, canonical } = signReceiptCanonical(identity, { batch_id: batchId, received_at: '2026-11-28T00:00:00.000Z', items });
        expect(canonical).toBe(canonicalJson(receipt));
        expect(verifyReceipt(JSON.parse(canonical), publicKey)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('fails to verify once an item is changed', () => {
    const { receipt } = signReceiptCanonical(identity, { batch_id: 'b', received_at: '2026-11-28T00:00:00.000Z', items: [{ message_id: 'm', digest: 'd', status: 'accepted' }] });
    expect(verifyReceipt({ ...receipt, items: [{ message_id: 'm', digest: 'd', status: 'duplicate' }] }, publicKey)).toBe(false);
  });
});
