import { createHash, X509Certificate } from 'node:crypto';
import type { ContactChannel } from './directory.schemas.js';

/**
 * Rules for a contact's channels beyond their schema: fingerprints in the formats readers
 * compare out of band, and a pasted key or certificate that really has that fingerprint.
 * Pure functions (node:crypto only hashes and parses); used when this node publishes and when
 * a peer's entry arrives.
 */

/** OpenPGP v4 fingerprints are 40 hex digits (SHA-1); v5 and v6 are 64 (SHA-256). */
const PGP_FINGERPRINT = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/;
/** An S/MIME certificate is known by the SHA-256 of its DER form: 64 hex digits. */
const SHA256_FINGERPRINT = /^[0-9A-F]{64}$/;

/** A fingerprint as people paste it (groups of four, colons, lower case) in the form kept: upper-case hex only. */
export function normaliseFingerprint(s: string): string {
  return s.replace(/[\s:]/g, '').toUpperCase();
}

/** A channel with its fingerprint normalised (other kinds unchanged). */
export function normaliseChannel(ch: ContactChannel): ContactChannel {
  return ch.kind === 'pgp' || ch.kind === 'smime' ? { ...ch, value: normaliseFingerprint(ch.value) } : ch;
}

/** One field at fault: an RFC 6901 pointer into the entry, a stable code and a short English text. */
export interface ChannelProblem {
  pointer: string;
  code: string;
  message: string;
}

/**
 * The problems of a list of contacts' channels, each with its pointer
 * (`/contacts/0/channels/2/value`): empty when all is well.
 */
export function channelProblems(contacts: readonly { channels: readonly ContactChannel[] }[]): ChannelProblem[] {
  const out: ChannelProblem[] = [];
  contacts.forEach((c, i) =>
    c.channels.forEach((ch, j) => {
      for (const p of problemsOf(ch)) out.push({ ...p, pointer: `/contacts/${i}/channels/${j}${p.pointer}` });
    }),
  );
  return out;
}

function problemsOf(ch: ContactChannel): ChannelProblem[] {
  const out: ChannelProblem[] = [];
  const add = (field: string, code: string, message: string) => out.push({ pointer: `/${field}`, code, message });
  if (ch.messenger !== undefined && ch.kind !== 'messenger') add('messenger', 'unexpected_field', 'only a messenger channel names a messenger');
  if (ch.key !== undefined && ch.kind !== 'pgp') add('key', 'unexpected_field', 'only a PGP channel carries a key');
  if (ch.certificate !== undefined && ch.kind !== 'smime') add('certificate', 'unexpected_field', 'only an S/MIME channel carries a certificate');
  switch (ch.kind) {
    case 'messenger':
      if (ch.messenger === undefined) add('messenger', 'messenger_required', 'name the messenger (signal, threema, wire, matrix or other)');
      break;
    case 'pgp': {
      if (!PGP_FINGERPRINT.test(ch.value)) {
        add('value', 'invalid_pgp_fingerprint', 'an OpenPGP fingerprint is 40 hex digits (v4) or 64 (v5, v6), e.g. 0123 4567 89AB CDEF …');
        break;
      }
      if (ch.key === undefined) break;
      const fp = openPgpFingerprint(ch.key);
      if (fp === null) add('key', 'invalid_pgp_key', 'not an ASCII-armored OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)');
      else if (fp !== ch.value) add('value', 'fingerprint_mismatch', `the key's fingerprint is ${fp}`);
      break;
    }
    case 'smime': {
      if (!SHA256_FINGERPRINT.test(ch.value)) {
        add('value', 'invalid_smime_fingerprint', "an S/MIME certificate's SHA-256 fingerprint is 64 hex digits");
        break;
      }
      if (ch.certificate === undefined) break;
      const fp = certificateFingerprint(ch.certificate);
      if (fp === null) add('certificate', 'invalid_certificate', 'not a PEM X.509 certificate (-----BEGIN CERTIFICATE-----)');
      else if (fp !== ch.value) add('value', 'fingerprint_mismatch', `the certificate's SHA-256 fingerprint is ${fp}`);
      break;
    }
    case 'phone':
    case 'email':
    case 'accord':
    case 'fax':
      break;
  }
  return out;
}

/** SHA-256 of a PEM certificate's DER form, upper-case hex, or null when it is not one. */
export function certificateFingerprint(pem: string): string | null {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return null;
  try {
    return normaliseFingerprint(new X509Certificate(pem).fingerprint256);
  } catch {
    return null;
  }
}

/**
 * The fingerprint of the primary key of an ASCII-armored OpenPGP public key (RFC 9580 §5.5.4):
 * v4 is SHA-1 over 0x99, a two-octet length and the key packet's body; v5 and v6 are SHA-256
 * over 0x9A / 0x9B and a four-octet length. Null when the text is not such a key.
 */
export function openPgpFingerprint(armored: string): string | null {
  const m = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/.exec(armored);
  if (!m) return null;
  // Armor headers ("Comment: …") end at the first blank line; the CRC line starts with '='.
  const lines = m[1]!.split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const body = (lines.some((l) => /^[A-Za-z-]+: /.test(l)) && blank >= 0 ? lines.slice(blank + 1) : lines).filter((l) => l.trim() !== '' && !l.startsWith('='));
  const bytes = Buffer.from(body.join(''), 'base64');
  const packet = firstPacket(bytes);
  if (!packet || packet.tag !== 6 || packet.body.length < 1) return null;
  const version = packet.body[0];
  const len = packet.body.length;
  if (version === 4) {
    return createHash('sha1').update(Buffer.from([0x99, len >> 8, len & 0xff])).update(packet.body).digest('hex').toUpperCase();
  }
  if (version === 5 || version === 6) {
    const head = Buffer.alloc(5);
    head[0] = version === 5 ? 0x9a : 0x9b;
    head.writeUInt32BE(len, 1);
    return createHash('sha256').update(head).update(packet.body).digest('hex').toUpperCase();
  }
  return null;
}

/** The first OpenPGP packet (old or new header format; no partial lengths, which key packets never use). */
function firstPacket(b: Buffer): { tag: number; body: Buffer } | null {
  if (b.length < 2 || (b[0]! & 0x80) === 0) return null;
  let tag: number;
  let len: number;
  let at: number;
  if (b[0]! & 0x40) {
    tag = b[0]! & 0x3f;
    const l0 = b[1]!;
    if (l0 < 192) [len, at] = [l0, 2];
    else if (l0 < 224) [len, at] = [((l0 - 192) << 8) + (b[2] ?? 0) + 192, 3];
    else if (l0 === 255 && b.length >= 6) [len, at] = [b.readUInt32BE(2), 6];
    else return null;
  } else {
    tag = (b[0]! >> 2) & 0x0f;
    const type = b[0]! & 3;
    if (type === 0) [len, at] = [b[1]!, 2];
    else if (type === 1 && b.length >= 3) [len, at] = [b.readUInt16BE(1), 3];
    else if (type === 2 && b.length >= 5) [len, at] = [b.readUInt32BE(1), 5];
    else return null;
  }
  if (at + len > b.length) return null;
  return { tag, body: b.subarray(at, at + len) };
}
