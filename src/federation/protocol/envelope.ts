import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { newId } from '../../util/ids.js';
import { canonicalJson, canonicalMemberList, canonicalMembers, canonicalMembersWithAndWithout, joinMembersAdding, sha256Hex } from '../../crypto/canonical.js';
import type { NodeIdentity } from '../../node/identity.js';
import { verifyEd25519 } from '../../crypto/ed25519.js';
import { signEd25519 } from '../../crypto/ed25519.js';

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

/** A message id is a time-ordered UUID, like every other id. */
export function newMessageId(): string {
  return newId();
}

/**
 * The RFC 8785 form of an envelope without and with its signature. Members are canonicalised
 * one by one and joined in key order (UTF-16 order, as RFC 8785 sorts), so a caller that
 * already holds the canonical body (a batch, whose body is its envelopes) passes it in and
 * nothing is canonicalised twice.
 */
export interface CanonicalForms {
  unsigned: string;
  full: string;
}

export function canonicalForms(e: UnsignedEnvelope | Envelope, canonicalBody?: string): CanonicalForms {
  const members = e as unknown as Record<string, unknown>;
  const preset: Record<string, string> = canonicalBody === undefined ? {} : { body: canonicalBody };
  const sig: unknown = members.sig;
  if (sig !== undefined) preset.sig = sig !== null && typeof sig === 'object' && !Array.isArray(sig) ? canonicalMembers(sig as Record<string, unknown>) : canonicalJson(sig);
  const forms = canonicalMembersWithAndWithout(members, 'sig', preset);
  return { unsigned: forms.without, full: forms.with };
}

function signatureOver(id: NodeIdentity, unsigned: string): Signature {
  return { suite: 'ed25519', key: id.fingerprint, value: signEd25519(Buffer.from(unsigned, 'utf8'), id.privateKey).toString('base64url') };
}

export function signEnvelope<B>(id: NodeIdentity, e: UnsignedEnvelope<B>): Envelope<B> {
  return { ...e, sig: signatureOver(id, canonicalForms(e).unsigned) };
}

/** Signs and returns the envelope with its canonical JSON, which is what the outbox stores and sends. */
export function signEnvelopeCanonical<B>(id: NodeIdentity, e: UnsignedEnvelope<B>, canonicalBody?: string): { envelope: Envelope<B>; canonical: string } {
  // The body (most of an envelope) is written once, for the signed form and the stored one.
  const body = canonicalBody ?? (e.body === undefined ? undefined : canonicalJson(e.body));
  // Each member written once: joined, they are what is signed; with `sig` added in its place by
  // key order (between `seq` and `to`), the envelope as stored and sent.
  const members = canonicalMemberList(e as unknown as Record<string, unknown>, body === undefined ? {} : { body }, 'sig');
  const sig = signatureOver(id, joinMembersAdding(members));
  return { envelope: { ...e, sig }, canonical: joinMembersAdding(members, 'sig', canonicalMembers(sig as unknown as Record<string, unknown>)) };
}

function verifiable(e: Envelope): boolean {
  return e.sig?.suite === 'ed25519' && typeof e.sig.value === 'string';
}

export function verifyEnvelopeSignature(e: Envelope, publicKey: KeyObject, unsigned?: string): boolean {
  if (!verifiable(e)) return false;
  try {
    return verifyEd25519(Buffer.from(unsigned ?? canonicalForms(e).unsigned, 'utf8'), publicKey, Buffer.from(e.sig.value, 'base64url'));
  } catch {
    return false;
  }
}

/** As verifyEnvelopeSignature, on libuv's thread pool: a batch's signatures verify in parallel. */
export function verifyEnvelopeSignatureAsync(e: Envelope, publicKey: KeyObject, unsigned?: string): Promise<boolean> {
  if (!verifiable(e)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, Buffer.from(unsigned ?? canonicalForms(e).unsigned, 'utf8'), publicKey, Buffer.from(e.sig.value, 'base64url'), (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

/** The digest a receipt names: SHA-256 over the canonical JSON of the whole signed envelope. */
export function envelopeDigest(e: Envelope, full?: string): string {
  return sha256Hex(full ?? canonicalJson(e));
}

/** KeyObjects of the peers' keys seen lately: each batch and each receipt verifies with one, and building it costs more than a verification. */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEYS_HELD = 1024;

/** A raw 32-byte Ed25519 public key (base64url) as a KeyObject (immutable: the same one for the same key). */
export function publicKeyFromRaw(rawB64: string): KeyObject {
  const held = publicKeys.get(rawB64);
  if (held) return held;
  const raw = Buffer.from(rawB64, 'base64url');
  if (raw.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
  const key = createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
  if (publicKeys.size >= PUBLIC_KEYS_HELD) publicKeys.clear();
  publicKeys.set(rawB64, key);
  return key;
}
