import * as nodeCrypto from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the only form Accord ever hashes or signs. */
export function canonicalJson(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalised');
  return out;
}

/**
 * RFC 8785 of an object, member by member: strings, finite numbers and arrays of strings are
 * written directly (RFC 8785 writes them exactly as JSON.stringify does), anything else goes
 * through canonicalJson; `preset` supplies members already in canonical form.
 */
export function canonicalMembers(obj: Record<string, unknown>, preset: Record<string, string> = {}, omit?: string): string {
  return canonicalMembersWithAndWithout(obj, omit, preset).without;
}

/**
 * An object's RFC 8785 form with and without one member (an envelope with and without its
 * signature), in one pass: each member is written once and used by both.
 */
export function canonicalMembersWithAndWithout(obj: Record<string, unknown>, omit: string | undefined, preset: Record<string, string> = {}): { with: string; without: string } {
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  let all = '';
  let rest = '';
  for (const k of keys) {
    // Own members only: `preset.toString` must not find Object.prototype's.
    const member = `${JSON.stringify(k)}:${Object.hasOwn(preset, k) ? preset[k] : canonicalMember(obj[k])}`;
    all += all === '' ? member : `,${member}`;
    if (k !== omit) rest += rest === '' ? member : `,${member}`;
  }
  return { with: `{${all}}`, without: `{${rest}}` };
}

// Plain JSON data (what JSON.parse gives) is written here; anything else (toJSON, class
// instances, non-finite numbers) is left to the library, which knows every corner.
function canonicalMember(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v))) return JSON.stringify(v);
  if (Array.isArray(v) && v.every((x) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol')) return `[${v.map(canonicalMember).join(',')}]`;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !('toJSON' in v)) return canonicalMembers(v as Record<string, unknown>);
  return canonicalJson(v);
}

// crypto.hash (Node ≥ 20.12) hashes in one call, without a Hash object per digest.
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : nodeCrypto.createHash('sha256').update(data).digest('hex');
}

/** SHA-256 over the canonical JSON of `value`, lowercase hex. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
