import { createRequire } from 'node:module';
import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 (RFC 8032). Verifying is what a receiving node does most (every message, batch and
 * receipt), signing what a sending node does most (every message). libsodium (sodium-native)
 * verifies in well under half the time node:crypto's one-shot verify takes here, and signs in
 * about 60% of it, so it is used when it loads; node:crypto otherwise. Ed25519 signatures are
 * deterministic: both give the same bytes. Both refuse signatures of the wrong length and
 * non-canonical encodings; libsodium also refuses public keys of small order, which no honest
 * node has.
 */
interface Sodium {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
}

let sodium: Sodium | null | undefined;

function loadSodium(): Sodium | null {
  if (sodium === undefined) {
    try {
      sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
    } catch {
      sodium = null;
    }
  }
  return sodium;
}

/** Raw 32-byte public keys of the KeyObjects verified with (KeyObjects are immutable). */
const rawKeys = new WeakMap<KeyObject, Buffer | null>();

function rawOf(key: KeyObject): Buffer | null {
  let raw = rawKeys.get(key);
  if (raw === undefined) {
    const x = key.type === 'public' && key.asymmetricKeyType === 'ed25519' ? key.export({ format: 'jwk' }).x : undefined;
    raw = x ? Buffer.from(x, 'base64url') : null;
    rawKeys.set(key, raw);
  }
  return raw;
}

/** libsodium's 64-byte secret keys (seed, then public key) of the private KeyObjects signed with. */
const secretKeys = new WeakMap<KeyObject, Buffer | null>();

function secretOf(key: KeyObject): Buffer | null {
  let sk = secretKeys.get(key);
  if (sk === undefined) {
    const jwk = key.type === 'private' && key.asymmetricKeyType === 'ed25519' ? key.export({ format: 'jwk' }) : undefined;
    sk = jwk?.d && jwk.x ? Buffer.concat([Buffer.from(jwk.d, 'base64url'), Buffer.from(jwk.x, 'base64url')]) : null;
    secretKeys.set(key, sk);
  }
  return sk;
}

/** `key`'s Ed25519 signature of `message` (64 bytes). */
export function signEd25519(message: Uint8Array, key: KeyObject): Buffer {
  const s = loadSodium();
  const sk = s ? secretOf(key) : null;
  if (!s || !sk) return sign(null, message, key);
  const sig = Buffer.alloc(64);
  s.crypto_sign_detached(sig, Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength), sk);
  return sig;
}

/** node:crypto's sign alone, for tests that compare the two. */
export function signEd25519WithNode(message: Buffer, key: KeyObject): Buffer {
  return sign(null, message, key);
}

/** Whether `signature` is `key`'s Ed25519 signature of `message`. Never throws. */
export function verifyEd25519(message: Buffer, key: KeyObject, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  const s = loadSodium();
  const raw = s ? rawOf(key) : null;
  try {
    return s && raw ? s.crypto_sign_verify_detached(signature, message, raw) : verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Which implementation signs and verifies: libsodium when it loaded. */
export function ed25519Backend(): 'libsodium' | 'node:crypto' {
  return loadSodium() ? 'libsodium' : 'node:crypto';
}

/** node:crypto's verify alone, for tests that compare the two. */
export function verifyEd25519WithNode(message: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return signature.length === 64 && verify(null, message, key, signature);
  } catch {
    return false;
  }
}
