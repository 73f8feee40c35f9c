import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newSecretKey, openSecret, sealSecret, SECRET_KEY_BYTES } from '../../crypto/secret-box.js';
import { AppError } from '../../errors.js';

/**
 * The node's evidence storage key: one AES-256-GCM key in a file beside the node's other keys
 * (DIR/keys/evidence-aes256gcm.key, or the `evidenceKeyFile` setting, ACCORD_EVIDENCE_KEY_FILE),
 * never in the database. Each evidence file's own key is stored wrapped by it (the secret-box
 * format, bound to the row it belongs to), so the database alone, or the files alone, reveal
 * nothing. It is made by `accord init`, or on first use when no evidence is stored yet; a node
 * with evidence and no key refuses to read or store any rather than make a new key.
 */
export const EVIDENCE_KEY_FILE = join('keys', 'evidence-aes256gcm.key');

export class EvidenceKeyError extends AppError {
  override name = 'EvidenceKeyError';
  constructor(detail: string) {
    super(500, 'evidence-key-unavailable', 'Evidence storage key unavailable', detail);
  }
}

export function evidenceKeyPath(settings: { dataDir: string; evidenceKeyFile: string | undefined }): string {
  return settings.evidenceKeyFile ?? join(settings.dataDir, EVIDENCE_KEY_FILE);
}

/** The key in `path`, or null when there is no such file. */
export function readEvidenceKey(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EvidenceKeyError(`cannot read the evidence storage key ${path}: ${(e as Error).message}`);
  }
  const key = Buffer.from(text, 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(text) || key.length !== SECRET_KEY_BYTES) throw new EvidenceKeyError(`the evidence storage key ${path} is not valid: it must hold ${SECRET_KEY_BYTES} bytes in base64url`);
  return key;
}

/** Makes the key file (0600, never over an existing one: another process may have made it meanwhile). */
export function createEvidenceKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const key = newSecretKey();
    writeFileSync(path, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readEvidenceKey(path)!;
  }
}

/** A file key wrapped for the row it belongs to (`evidence_files:<sha256>`, `evidence_uploads:<id>`). */
export function wrapFileKey(storageKey: Buffer, fileKey: Buffer, where: string): string {
  return sealSecret(storageKey, fileKey.toString('base64url'), where);
}

export function unwrapFileKey(storageKey: Buffer, wrapped: string, where: string): Buffer {
  return Buffer.from(openSecret(storageKey, wrapped, where), 'base64url');
}
