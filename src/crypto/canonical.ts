import * as nodeCrypto from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: the only form Accord ever hashes or signs. Plain JSON data
 * (what JSON.parse makes) is written here, member by member; anything else goes to the library.
 */
export function canonicalJson(value: unknown): string {
  return canonicalMember(value);
}

/** The RFC 8785 library, for what is not plain JSON data (toJSON, class instances, non-finite numbers, holes). */
function libraryCanonical(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalised');
  return out;
}

/**
 * RFC 8785 of an object, member by member: strings, finite numbers and arrays of strings are
 * written directly (RFC 8785 writes them exactly as JSON.stringify does), anything else goes
 * to the library; `preset` supplies members already in canonical form.
 */
export function canonicalMembers(obj: Record<string, unknown>, preset: Record<string, string> = {}, omit?: string): string {
  return joinMembers(writeMembers(obj, preset, omit));
}

/**
 * An object's RFC 8785 form with and without one member (an envelope with and without its
 * signature): each member is written once and used by both.
 */
export function canonicalMembersWithAndWithout(obj: Record<string, unknown>, omit: string, preset: Record<string, string> = {}): { with: string; without: string } {
  const all = writeMembers(obj, preset);
  return { with: joinMembers(all), without: joinMembers(all.filter((m) => m.key !== omit)) };
}

/** An object's members written once in RFC 8785 form and key order, to join with or without one more (joinMembersAdding). */
export interface CanonicalMember {
  key: string;
  text: string;
}

export function canonicalMemberList(obj: Record<string, unknown>, preset: Record<string, string> = {}, omit?: string): CanonicalMember[] {
  return writeMembers(obj, preset, omit);
}

/** The object of `members`, with member `key` (its value in canonical form) added in its place by key order when given. */
export function joinMembersAdding(members: CanonicalMember[], key?: string, canonicalValue?: string): string {
  if (key === undefined) return joinMembers(members);
  const added = { key, text: `${JSON.stringify(key)}:${canonicalValue}` };
  const at = members.findIndex((m) => m.key > key);
  return joinMembers(at < 0 ? [...members, added] : [...members.slice(0, at), added, ...members.slice(at)]);
}

/** Each defined member as `"key":value`, in key order (UTF-16 code units, as RFC 8785 sorts). */
function writeMembers(obj: Record<string, unknown>, preset: Record<string, string>, omit?: string): { key: string; text: string }[] {
  // Own members of `preset` only: `preset.toString` must not find Object.prototype's.
  return Object.keys(obj)
    .filter((k) => obj[k] !== undefined && k !== omit)
    .sort()
    .map((key) => ({ key, text: `${JSON.stringify(key)}:${Object.hasOwn(preset, key) ? preset[key] : canonicalMember(obj[key])}` }));
}

const joinMembers = (members: { text: string }[]): string => `{${members.map((m) => m.text).join(',')}}`;

// Plain JSON data (what JSON.parse gives) is written here; anything else (toJSON, class
// instances, non-finite numbers, array holes) is left to the library, which knows every corner.
function canonicalMember(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v))) return JSON.stringify(v);
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (let i = 0; i < v.length; i++) {
      // A hole reads as undefined: the library writes it (as null), like undefined itself.
      const x: unknown = v[i];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') return libraryCanonical(v);
      items.push(canonicalMember(x));
    }
    return `[${items.join(',')}]`;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !('toJSON' in v)) return canonicalMembers(v as Record<string, unknown>);
  return libraryCanonical(v);
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
