import { createHash } from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the only form Accord ever hashes or signs. */
export function canonicalJson(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalised');
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the canonical JSON of `value`, lowercase hex. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
