import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';

/**
 * Secrets the node must read back (TOTP seeds, webhook signing secrets) are sealed at rest
 * with AES-256-GCM under the node's secrets key, which lives beside the signing key and
 * never in the database: a copy of the database alone does not give them away.
 *
 * Format: `v1:<nonce>:<ciphertext+tag>`, both base64url; a fresh 96-bit nonce per value.
 * The associated data names where the value lives (`users.totp_secret:<user id>`), so a
 * value copied into another row or column fails to open instead of being accepted.
 */
export const SECRET_KEY_BYTES = 32;
const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1:([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

/** A stored secret that does not open: wrong key, damaged value, or moved from another row. */
export class SecretUnreadableError extends AppError {
  override name = 'SecretUnreadableError';
  constructor(readonly where: string) {
    super(500, 'secret-unreadable', 'Stored secret unreadable', `the stored secret ${where} cannot be decrypted with this node's secrets key (restore the key file, or set the secret again)`);
  }
}

/** True when `value` is in the sealed format (whatever key sealed it). */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

export function newSecretKey(): Buffer {
  return randomBytes(SECRET_KEY_BYTES);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`a secrets key has ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
}

/** @example sealSecret(key, 'JBSWY3DPEHPK3PXP', 'users.totp_secret:0193…') → 'v1:…:…' */
export function sealSecret(key: Uint8Array, plaintext: string, where: string): string {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(where, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${nonce.toString('base64url')}:${body.toString('base64url')}`;
}

/** Opens a sealed value; throws SecretUnreadableError when it does not open for `where`. */
export function openSecret(key: Uint8Array, sealed: string, where: string): string {
  checkKey(key);
  const m = SEALED.exec(sealed);
  if (!m) throw new SecretUnreadableError(where);
  const nonce = Buffer.from(m[1]!, 'base64url');
  const body = Buffer.from(m[2]!, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SecretUnreadableError(where);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(where, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadableError(where);
  }
}

/** Where a secret lives, as bound into its seal: `<table>.<column>:<row key>`. */
export function secretPlace(table: string, column: string, rowKey: string): string {
  return `${table}.${column}:${rowKey}`;
}

/**
 * A column whose values are sealed, declared by the table's owner: the node seals any
 * plaintext left in it when it opens. `rowKey` names the column bound into each seal.
 */
export interface SealedColumn {
  table: string;
  column: string;
  rowKey: string;
}

/** The node's secrets key with the two operations services need; the key itself stays inside. */
export interface SecretBox {
  seal(plaintext: string, where: string): string;
  open(sealed: string, where: string): string;
}

export function secretBox(key: Uint8Array): SecretBox {
  checkKey(key);
  const k = Buffer.from(key);
  return { seal: (p, w) => sealSecret(k, p, w), open: (s, w) => openSecret(k, s, w) };
}
