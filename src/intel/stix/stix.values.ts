import { isIPv4, isIPv6 } from 'node:net';

/**
 * Checks of single STIX 2.1 values (identifiers, timestamps, names, encodings), each a pure
 * function that answers with a boolean or a small result. They run for every property of every
 * object a store imports, so they avoid allocation where they can: one anchored regex without
 * nested quantifiers per check (linear time), and no Date objects on the hot path.
 */

/** A STIX type name (§2.7 and §11.1): lowercase letters, digits and single hyphens, 3–250 characters. */
const TYPE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export function isTypeName(s: string): boolean {
  return s.length >= 3 && s.length <= 250 && TYPE_NAME.test(s);
}

/** Property names (§11.2): lowercase letters, digits and underscore, 3–250 characters. */
const PROPERTY_NAME = /^[a-z0-9_]{3,250}$/;

export function isPropertyName(s: string): boolean {
  return PROPERTY_NAME.test(s);
}

/** Dictionary keys (§2.4): ASCII letters, digits, hyphen and underscore, at most 250 characters. */
const DICT_KEY = /^[a-zA-Z0-9_-]{0,250}$/;

export function isDictionaryKey(s: string): boolean {
  return DICT_KEY.test(s);
}

/** `type--uuid` split into its parts, or null when the string is not an identifier. */
export interface ParsedId {
  type: string;
  /** The UUID version digit (1–8), '0' for the nil UUID. */
  version: string;
}

const isHexCode = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const TYPE_PART = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * An identifier (§2.9): the object's type, two hyphens and an RFC 4122 UUID (variant bits 10,
 * version 1 to 5). Returns the type and version digit, or null. Scans characters (no regex
 * captures): it runs for every id and reference of every object.
 */
export function parseId(s: string): ParsedId | null {
  const n = s.length;
  if (n > 300 || n < 39) return null;
  const u = n - 36;
  if (s.charCodeAt(u - 1) !== 45 || s.charCodeAt(u - 2) !== 45) return null;
  for (let i = u; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = i - u;
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return null;
    } else if (!isHexCode(c)) return null;
  }
  const version = s.charCodeAt(u + 14);
  if (version < 49 || version > 53) return null;
  const variant = s.charCodeAt(u + 19) | 0x20;
  if (variant !== 56 && variant !== 57 && variant !== 97 && variant !== 98) return null;
  const type = s.slice(0, u - 2);
  if (!TYPE_PART.test(type)) return null;
  return { type, version: String.fromCharCode(version) };
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * A STIX timestamp (§2.13): RFC 3339 in UTC with the literal `Z`, `YYYY-MM-DDTHH:mm:ss[.s+]Z`,
 * on a day that exists (a leap second `:60` is allowed). With `millis`, the fraction must have at
 * least three digits (the precision `created` and `modified` require). A character scan, no
 * allocation.
 */
export function isTimestamp(s: string, millis = false): boolean {
  const n = s.length;
  if (n < 20 || n > 64) return false;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 45) return false;
    } else if (i === 10) {
      if (c !== 84) return false;
    } else if (i === 13 || i === 16) {
      if (c !== 58) return false;
    } else if (!isDigitCode(c)) return false;
  }
  if (s.charCodeAt(n - 1) !== 90) return false;
  if (n === 20) {
    if (millis) return false;
  } else {
    if (s.charCodeAt(19) !== 46 || n < 22 || (millis && n < 24)) return false;
    for (let i = 20; i < n - 1; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  }
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return false;
  if (month === 2 && day === 29) {
    const y = two(s, 0) * 100 + two(s, 2);
    if (!(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  }
  return two(s, 11) <= 23 && two(s, 14) <= 59 && two(s, 17) <= 60;
}

/**
 * Orders two valid timestamps: negative, zero or positive. The first 19 characters compare as
 * text; the fractions compare digit by digit with missing digits read as zeros, so
 * `…:00Z`, `…:00.0Z` and `…:00.000Z` are the same instant.
 */
export function compareTimestamps(a: string, b: string): number {
  const head = a.slice(0, 19);
  const headB = b.slice(0, 19);
  if (head !== headB) return head < headB ? -1 : 1;
  const fa = a.length > 20 ? a.slice(20, -1) : '';
  const fb = b.length > 20 ? b.slice(20, -1) : '';
  const n = Math.max(fa.length, fb.length);
  for (let i = 0; i < n; i++) {
    const x = fa.charCodeAt(i) || 48;
    const y = fb.charCodeAt(i) || 48;
    if (x !== y) return x - y;
  }
  return 0;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** A hex value (§2.6): an even number of hexadecimal digits. */
export function isHex(s: string): boolean {
  return HEX.test(s);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A binary value (§2.1): base64 (RFC 4648 §4) with its padding. */
export function isBase64(s: string): boolean {
  return BASE64.test(s);
}

const HASH_FORMATS: Record<string, RegExp> = {
  MD5: /^[a-fA-F0-9]{32}$/,
  'SHA-1': /^[a-fA-F0-9]{40}$/,
  'SHA-256': /^[a-fA-F0-9]{64}$/,
  'SHA-512': /^[a-fA-F0-9]{128}$/,
  'SHA3-256': /^[a-fA-F0-9]{64}$/,
  'SHA3-512': /^[a-fA-F0-9]{128}$/,
  SSDEEP: /^[a-zA-Z0-9/+:.]{1,128}$/,
  TLSH: /^(?:T1)?[a-fA-F0-9]{70}$/,
};
const HASH_KEY = /^[a-zA-Z0-9_-]{3,250}$/;

/**
 * One entry of a hashes dictionary (§2.5, hash-algorithm-ov): the key names an algorithm (the
 * vocabulary's names are checked against their digest format; other names are custom, 3–250
 * characters). Returns an error message or null.
 */
export function hashProblem(algorithm: string, value: unknown): string | null {
  if (typeof value !== 'string') return 'a hash value must be a string';
  const format = Object.hasOwn(HASH_FORMATS, algorithm) ? HASH_FORMATS[algorithm] : undefined;
  if (format) return format.test(value) ? null : `not a valid ${algorithm} digest`;
  return HASH_KEY.test(algorithm) ? null : 'a hash algorithm name has 3 to 250 letters, digits, hyphens or underscores';
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** mac-addr `value` (§6.8): colon-delimited, lowercase MAC-48 with leading zeros. */
export function isMacAddress(s: string): boolean {
  return MAC.test(s);
}

/** ipv4-addr / ipv6-addr `value` (§6.6, §6.7): an address or a CIDR block. */
export function isIpValue(s: string, family: 4 | 6): boolean {
  const slash = s.indexOf('/');
  const address = slash < 0 ? s : s.slice(0, slash);
  if (!(family === 4 ? isIPv4(address) : isIPv6(address))) return false;
  if (slash < 0) return true;
  const prefix = s.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && +prefix <= (family === 4 ? 32 : 128);
}
