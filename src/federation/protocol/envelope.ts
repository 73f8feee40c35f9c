import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { canonicalJson, sha256Hex } from '../../crypto/canonical.js';
import type { NodeIdentity } from '../../node/identity.js';

/**
 * The federation envelope (docs/federation-protocol.md, version 1). The signature covers the
 * RFC 8785 canonical JSON of every field but `sig`, with the sender's Ed25519 node key.
 */
export const PROTOCOL_VERSION = 1;

export interface Signature {
  suite: 'ed25519';
  /** Fingerprint of the signing key (SHA-256 of the raw public key, hex). */
  key: string;
  value: string;
}

export interface UnsignedEnvelope<B = unknown> {
  v: 1;
  id: string;
  from: string;
  to: string[];
  type: string;
  issued_at: string;
  /** Per-recipient release number, for catch-up without gaps. */
  seq?: number;
  body: B;
}

export interface Envelope<B = unknown> extends UnsignedEnvelope<B> {
  sig: Signature;
}

export function newMessageId(): string {
  return uuidv7();
}

function signingInput(e: UnsignedEnvelope | Omit<Envelope, 'sig'>): Buffer {
  return Buffer.from(canonicalJson(e), 'utf8');
}

export function signEnvelope<B>(id: NodeIdentity, e: UnsignedEnvelope<B>): Envelope<B> {
  const value = sign(null, signingInput(e), id.privateKey).toString('base64url');
  return { ...e, sig: { suite: 'ed25519', key: id.fingerprint, value } };
}

export function verifyEnvelopeSignature(e: Envelope, publicKey: KeyObject): boolean {
  if (e.sig?.suite !== 'ed25519' || typeof e.sig.value !== 'string') return false;
  const { sig, ...rest } = e;
  try {
    return verify(null, signingInput(rest), publicKey, Buffer.from(sig.value, 'base64url'));
  } catch {
    return false;
  }
}

/** As verifyEnvelopeSignature, on libuv's thread pool: a batch's signatures verify in parallel. */
export function verifyEnvelopeSignatureAsync(e: Envelope, publicKey: KeyObject): Promise<boolean> {
  if (e.sig?.suite !== 'ed25519' || typeof e.sig.value !== 'string') return Promise.resolve(false);
  const { sig, ...rest } = e;
  return new Promise((resolve) => {
    try {
      verify(null, signingInput(rest), publicKey, Buffer.from(sig.value, 'base64url'), (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

/** The digest a receipt names: SHA-256 over the canonical JSON of the whole signed envelope. */
export function envelopeDigest(e: Envelope): string {
  return sha256Hex(canonicalJson(e));
}

/** A raw 32-byte Ed25519 public key (base64url) as a KeyObject. */
export function publicKeyFromRaw(rawB64: string): KeyObject {
  const raw = Buffer.from(rawB64, 'base64url');
  if (raw.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
  return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
}
