import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../crypto/canonical.js';
import type { NodeIdentity } from '../../node/identity.js';
import { canonicalForms, signEnvelope, signEnvelopeCanonical, verifyEnvelopeSignature, type Envelope } from './envelope.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const identity = { node_id: 'node-a', fingerprint: 'f'.repeat(64), privateKey } as unknown as NodeIdentity;

const body = fc.jsonValue();
const unsignedEnvelope = fc.record(
  {
    v: fc.constant(1 as const),
    id: fc.uuid(),
    from: fc.string({ maxLength: 20 }),
    to: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    type: fc.constantFrom('federation.notice/v1', 'directory.entry/v1'),
    issued_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    seq: fc.option(fc.nat(), { nil: undefined }),
    body,
  },
  { requiredKeys: ['v', 'id', 'from', 'to', 'type', 'issued_at', 'body'] },
);

describe('canonical forms of an envelope', () => {
  it('equal RFC 8785 of the whole envelope and of it without sig, member by member', () => {
    fc.assert(
      fc.property(unsignedEnvelope, (u) => {
        const e = signEnvelope(identity, u) as Envelope;
        const { sig, ...rest } = e;
        const forms = canonicalForms(e);
        expect(forms.full).toBe(canonicalJson(e));
        expect(forms.unsigned).toBe(canonicalJson(rest));
        expect(sig.key).toBe(identity.fingerprint);
      }),
      { numRuns: 300 },
    );
  });

  it('take a body that is already canonical without changing the result', () => {
    fc.assert(
      fc.property(unsignedEnvelope, (u) => {
        const { envelope, canonical } = signEnvelopeCanonical(identity, u, canonicalJson(u.body));
        expect(canonical).toBe(canonicalJson(envelope));
        expect(verifyEnvelopeSignature(envelope, publicKey)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('make a signature that fails once any signed member changes', () => {
    const e = signEnvelope(identity, { v: 1, id: 'x', from: 'a', to: ['b'], type: 'federation.notice/v1', issued_at: '2026-11-28T00:00:00.000Z', seq: 3, body: { subject: 's', text: 't' } });
    expect(verifyEnvelopeSignature(e, publicKey)).toBe(true);
    expect(verifyEnvelopeSignature({ ...e, seq: 4 }, publicKey)).toBe(false);
    expect(verifyEnvelopeSignature({ ...e, body: { subject: 's', text: 'u' } }, publicKey)).toBe(false);
    // A wrong precomputed signing input is not trusted blindly: it simply fails to verify.
    expect(verifyEnvelopeSignature(e, publicKey, canonicalJson({ ...e, sig: undefined, seq: 4 }))).toBe(false);
  });
});
