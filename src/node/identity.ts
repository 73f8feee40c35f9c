import { createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../crypto/canonical.js';
import { newSecretKey, SECRET_KEY_BYTES } from '../crypto/secret-box.js';
import { CONFIG_FILE, ConfigError, readConfigFile } from '../config/settings.js';
import { signEd25519 } from '../crypto/ed25519.js';

/** The kinds of competent authority a node can speak for. */
export const AuthorityKind = {
  cert: 'cert',
  lawEnforcement247: 'law_enforcement_24_7',
  centralAuthority: 'central_authority',
  diplomatic: 'diplomatic',
} as const;
export type AuthorityKind = (typeof AuthorityKind)[keyof typeof AuthorityKind];

export interface NodeDescription {
  node_id: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: AuthorityKind[];
  created_at: string;
}

export interface NodeIdentity extends NodeDescription {
  suite: 'ed25519';
  publicKey: KeyObject;
  /** The raw 32-byte public key, base64url, computed once (exporting a key is costly). */
  publicKeyRaw: string;
  privateKey: KeyObject;
  /** SHA-256 of the raw public key, lowercase hex; read out to peers out of band. */
  fingerprint: string;
}

export const KEY_FILE = join('keys', 'node-ed25519.pem');
/** The AES-256-GCM key that seals stored secrets (crypto/secret-box.ts); back it up with the signing key. */
export const SECRETS_KEY_FILE = join('keys', 'secrets-aes256gcm.key');

export function rawPublicKey(pub: KeyObject): Buffer {
  // The last 32 bytes of an Ed25519 SPKI DER are the raw key.
  return pub.export({ type: 'spki', format: 'der' }).subarray(-32);
}

export function fingerprintOf(pub: KeyObject): string {
  return sha256Hex(rawPublicKey(pub));
}

/** Groups a fingerprint in blocks of four for reading aloud: `3f2a 9b01 …`. */
export function formatFingerprint(fp: string): string {
  return fp.match(/.{1,4}/g)!.join(' ');
}

export function generateNodeKey(dataDir: string): KeyObject {
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) throw new Error(`a node key already exists at ${path}`);
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  // mode 0600 and flag 'wx': never readable by others, never overwrites an existing key.
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

/** Where the secrets key is: the `secretsKeyFile` setting, or DIR/keys/secrets-aes256gcm.key. */
export function secretsKeyPath(settings: { dataDir: string; secretsKeyFile: string | undefined }): string {
  return settings.secretsKeyFile ?? join(settings.dataDir, SECRETS_KEY_FILE);
}

/** Creates a secrets key file (0600, never over an existing one); answers the key. */
export function generateSecretsKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = newSecretKey();
  writeFileSync(path, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The secrets key in `path`, or null when there is no such file; a malformed file stops with one line. */
export function readSecretsKey(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read the secrets key ${path}: ${(e as Error).message}`);
  }
  const key = Buffer.from(text.trim(), 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(text.trim()) || key.length !== SECRET_KEY_BYTES) {
    throw new ConfigError(`the secrets key ${path} is not valid: it must hold ${SECRET_KEY_BYTES} bytes in base64url`);
  }
  return key;
}

export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, CONFIG_FILE)) || existsSync(join(dataDir, KEY_FILE));
}

export function loadIdentity(dataDir: string): NodeIdentity {
  const cfg = readConfigFile(dataDir);
  const node = cfg.node as NodeDescription | undefined;
  const keyPath = join(dataDir, KEY_FILE);
  if (!node || !existsSync(keyPath)) {
    throw new Error(`no Accord node in ${dataDir}: run \`accord init --data ${dataDir}\` first`);
  }
  const privateKey = createPrivateKey(readFileSync(keyPath));
  const publicKey = createPublicKey(privateKey);
  return { ...node, suite: 'ed25519', privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) };
}

export function signBytes(id: NodeIdentity, data: Uint8Array): string {
  return signEd25519(data, id.privateKey).toString('base64url');
}

export function verifyBytes(pub: KeyObject, data: Uint8Array, signature: string): boolean {
  return verify(null, data, pub, Buffer.from(signature, 'base64url'));
}

export function writeConfigFile(dataDir: string, content: Record<string, unknown>): void {
  writeFileSync(join(dataDir, CONFIG_FILE), JSON.stringify(content, null, 2) + '\n', { mode: 0o640, flag: 'wx' });
}

/**
 * Re-reads the key file when it changed on disk (a rotation by the CLI while the node runs)
 * and updates the identity in place, so that every holder of it signs with the new key.
 */
const seenKeyMtime = new WeakMap<NodeIdentity, number>();

export function reloadIdentityIfChanged(dataDir: string, id: NodeIdentity): void {
  const path = join(dataDir, KEY_FILE);
  let pem: Buffer;
  try {
    const mtime = statSync(path).mtimeMs;
    if (seenKeyMtime.get(id) === mtime) return;
    seenKeyMtime.set(id, mtime);
    pem = readFileSync(path);
  } catch {
    return;
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const fingerprint = fingerprintOf(publicKey);
  if (fingerprint !== id.fingerprint) Object.assign(id, { privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint });
}
