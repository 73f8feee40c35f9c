import { createRequire } from 'node:module';
import { verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 verification (RFC 8032). Verifying is what a receiving node does most: every
 * message, batch and receipt. libsodium (sodium-native) verifies in well under half the time
 * node:crypto's one-shot verify takes here, so it is used when it loads; node:crypto
 * otherwise. Both refuse signatures of the wrong length and non-canonical encodings;
 * libsodium also refuses public keys of small order, which no honest node has.
 */
interface Sodium {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
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

/** Which implementation verifies: libsodium when it loaded. */
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
