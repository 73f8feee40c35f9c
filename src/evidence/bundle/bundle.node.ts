import { createHash, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { publicKeyFromRaw } from '../../federation/protocol/envelope.js';
import type { BundleReport } from './bundle.format.js';
import { verifyBundle, type BundleCrypto, type VerifyOptions } from './bundle.verify.js';

/**
 * The verifier's Node side: node:crypto for hashing and Ed25519 (OpenSSL, many times faster
 * than pure JavaScript), and the bundle file read as a stream in 1 MiB chunks.
 */
export const nodeCrypto: BundleCrypto = {
  sha256() {
    const h = createHash('sha256');
    return { update: (c) => void h.update(c), digestHex: () => h.digest('hex') };
  },
  verifyEd25519(publicKey, message, signature) {
    try {
      return verify(null, message, publicKeyFromRaw(Buffer.from(publicKey).toString('base64url')), signature);
    } catch {
      return false;
    }
  },
};

/** Verifies a bundle file; `onProgress` gets (bytes read, file size). */
export async function verifyBundleFile(path: string, opts: Omit<VerifyOptions, 'onProgress' | 'crypto'> & { onProgress?(read: number, total: number): void } = {}): Promise<BundleReport> {
  const { size } = await stat(path);
  const { onProgress, ...rest } = opts;
  return verifyBundle(createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>, {
    ...rest,
    crypto: nodeCrypto,
    ...(onProgress ? { onProgress: (read: number) => onProgress(read, size) } : {}),
  });
}
