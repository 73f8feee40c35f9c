import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where evidence lives on disk, under the node's data directory:
 *
 *   DIR/evidence/store/ab/cd/<sha256>.aev   stored files, by the SHA-256 of their plaintext
 *   DIR/evidence/uploads/<id>.part          an upload's sealed chunks so far (header first)
 *   DIR/evidence/uploads/<id>.tail          the sealed bytes of the chunk not yet full
 *   DIR/evidence/uploads/<id>.lock          held by the process writing a PATCH
 *
 * Files enter the store by rename from the uploads folder (same file system), so a stored
 * file is whole or absent. Nothing in these folders is plaintext.
 */
export function evidenceRoot(dataDir: string): string {
  return join(dataDir, 'evidence');
}

export function storedPath(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return join(evidenceRoot(dataDir), 'store', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.aev`);
}

export function uploadsDir(dataDir: string): string {
  const d = join(evidenceRoot(dataDir), 'uploads');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

export function partPath(dataDir: string, uploadId: string): string {
  return join(uploadsDir(dataDir), `${uploadId}.part`);
}

/** Held while a PATCH writes the upload (`host:pid`), so two processes of the node never write it at once. */
export function lockPath(dataDir: string, uploadId: string): string {
  return join(uploadsDir(dataDir), `${uploadId}.lock`);
}

export function tailPath(dataDir: string, uploadId: string): string {
  return join(uploadsDir(dataDir), `${uploadId}.tail`);
}

/** Moves a finished part file into the store under its content address. */
export function moveIntoStore(dataDir: string, from: string, sha256: string): void {
  const to = storedPath(dataDir, sha256);
  mkdirSync(join(to, '..'), { recursive: true, mode: 0o700 });
  renameSync(from, to);
}

export function removeUploadFiles(dataDir: string, uploadId: string): void {
  rmSync(partPath(dataDir, uploadId), { force: true });
  rmSync(tailPath(dataDir, uploadId), { force: true });
  rmSync(lockPath(dataDir, uploadId), { force: true });
}

export function removeStored(dataDir: string, sha256: string): void {
  rmSync(storedPath(dataDir, sha256), { force: true });
}
