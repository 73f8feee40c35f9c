import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519Backend, signEd25519, signEd25519WithNode, verifyEd25519, verifyEd25519WithNode } from './ed25519.js';

// The group order L of Ed25519, little-endian: S + L is the same scalar, not canonical.
const L = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');

function addL(s: Buffer): Buffer {
  const out = Buffer.alloc(32);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = s[i]! + L[i]! + carry;
    out[i] = v & 0xff;
    carry = v >> 8;
  }
  return out;
}

describe('Ed25519 verification', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519').publicKey;

  it('uses libsodium here (installed with the node)', () => {
    expect(ed25519Backend()).toBe('libsodium');
  });

  it('accepts what node:crypto signed and agrees with node:crypto on every altered input', () => {
    for (let i = 0; i < 200; i++) {
      const m = randomBytes(1 + (i % 700));
      const sig = sign(null, m, privateKey);
      const flipped = Buffer.from(sig);
      flipped[i % 64]! ^= 1 << i % 8;
      const alteredMessage = Buffer.from(m);
      alteredMessage[i % m.length]! ^= 1;
      const cases: [Buffer, typeof publicKey, Buffer, boolean][] = [
        [m, publicKey, sig, true],
        [m, publicKey, flipped, false],
        [alteredMessage, publicKey, sig, false],
        [m, other, sig, false],
      ];
      for (const [msg, key, s, want] of cases) {
        expect(verifyEd25519(msg, key, s)).toBe(want);
        expect(verifyEd25519WithNode(msg, key, s)).toBe(want);
      }
    }
  });

  it('refuses a signature of the wrong length, and one whose S is not reduced (S + L), without throwing', () => {
    const m = Buffer.from('a message');
    const sig = sign(null, m, privateKey);
    expect([verifyEd25519(m, publicKey, sig.subarray(0, 63)), verifyEd25519(m, publicKey, Buffer.concat([sig, Buffer.alloc(1)])), verifyEd25519(m, publicKey, Buffer.alloc(0))]).toEqual([false, false, false]);
    const malleated = Buffer.concat([sig.subarray(0, 32), addL(sig.subarray(32))]);
    expect(verifyEd25519(m, publicKey, malleated)).toBe(false);
    expect(verifyEd25519WithNode(m, publicKey, malleated)).toBe(false);
  });

  it('answers as node:crypto does for a key object that is not a public key (node verifies with its public half)', () => {
    const m = Buffer.from('x');
    const sig = sign(null, m, privateKey);
    expect(verifyEd25519(m, privateKey, sig)).toBe(verifyEd25519WithNode(m, privateKey, sig));
    expect(verifyEd25519(Buffer.from('y'), privateKey, sig)).toBe(false);
  });
});

describe('Ed25519 signing', () => {
  it('gives the same bytes as node:crypto (signatures are deterministic), for many keys and lengths, and they verify', () => {
    for (let k = 0; k < 20; k++) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      for (const len of [0, 1, 31, 64, 700, 70_000]) {
        const m = randomBytes(len);
        const sig = signEd25519(m, privateKey);
        expect(sig.equals(signEd25519WithNode(m, privateKey))).toBe(true);
        expect(verifyEd25519WithNode(m, publicKey, sig)).toBe(true);
      }
    }
  });

  it('throws as node:crypto does when given a public key to sign with', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(() => signEd25519(Buffer.from('x'), publicKey)).toThrow();
  });
});
