import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Evidence at rest: each file encrypted with its own key (AES-256-GCM) in chunks, so that a
 * file of any size is encrypted and decrypted as a stream and any chunk can be checked alone.
 * docs/evidence.md describes the format; in short:
 *
 *   header  32 bytes: "ACCORDEV" | version 1 | 3 zero bytes | chunk size (u32 BE) | nonce prefix (4 bytes) | 12 zero bytes
 *   chunk i ciphertext of up to `chunk size` plaintext bytes, then its 16-byte GCM tag
 *
 * Chunk i's nonce is the nonce prefix followed by i (u64 BE); its associated data is the
 * header, i (u64 BE) and a last-chunk flag, so chunks cannot be reordered, moved between
 * files, dropped from the end or appended to. An empty file is one empty last chunk.
 */
export const MAGIC = Buffer.from('ACCORDEV', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 32;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

/** A chunk whose tag does not verify: altered, moved, or read with the wrong key. */
export class ChunkTamperedError extends Error {
  override name = 'ChunkTamperedError';
  constructor(readonly chunk: number) {
    super(`chunk ${chunk} does not verify: altered, moved from elsewhere, or read with the wrong key`);
  }
}

/** The stored file is not in this format, or it ends before its last chunk. */
export class EvidenceFormatError extends Error {
  override name = 'EvidenceFormatError';
}

export function newFileKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function buildHeader(chunkBytes: number, noncePrefix: Buffer): Buffer {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) throw new RangeError(`chunk size must be 1..${MAX_CHUNK_BYTES} bytes`);
  if (noncePrefix.length !== 4) throw new RangeError('the nonce prefix has 4 bytes');
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt8(FORMAT_VERSION, 8);
  h.writeUInt32BE(chunkBytes, 12);
  noncePrefix.copy(h, 16);
  return h;
}

export function parseHeader(h: Buffer): { chunkBytes: number; noncePrefix: Buffer } {
  if (h.length < HEADER_BYTES || !h.subarray(0, 8).equals(MAGIC)) throw new EvidenceFormatError('not an encrypted evidence file');
  if (h.readUInt8(8) !== FORMAT_VERSION) throw new EvidenceFormatError(`unknown format version ${h.readUInt8(8)}`);
  const chunkBytes = h.readUInt32BE(12);
  if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) throw new EvidenceFormatError(`invalid chunk size ${chunkBytes}`);
  return { chunkBytes, noncePrefix: Buffer.from(h.subarray(16, 20)) };
}

function nonceOf(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aadOf(header: Buffer, index: number, last: boolean): Buffer {
  const a = Buffer.alloc(HEADER_BYTES + 9);
  header.copy(a, 0, 0, HEADER_BYTES);
  a.writeBigUInt64BE(BigInt(index), HEADER_BYTES);
  a.writeUInt8(last ? 1 : 0, HEADER_BYTES + 8);
  return a;
}

/** Encrypts one chunk: its ciphertext and its tag, to be stored one after the other. */
export function sealChunkParts(key: Buffer, header: Buffer, index: number, last: boolean, plain: Buffer): [Buffer, Buffer] {
  const { noncePrefix } = parseHeader(header);
  const c = createCipheriv('aes-256-gcm', key, nonceOf(noncePrefix, index), { authTagLength: TAG_BYTES });
  c.setAAD(aadOf(header, index, last));
  const out = c.update(plain);
  c.final();
  return [out, c.getAuthTag()];
}

/** Encrypts one chunk: its ciphertext followed by its tag. */
export function sealChunk(key: Buffer, header: Buffer, index: number, last: boolean, plain: Buffer): Buffer {
  return Buffer.concat(sealChunkParts(key, header, index, last, plain));
}

/** Decrypts one chunk (ciphertext + tag); throws ChunkTamperedError when it does not verify. */
export function openChunk(key: Buffer, header: Buffer, index: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw new ChunkTamperedError(index);
  const { noncePrefix } = parseHeader(header);
  const d = createDecipheriv('aes-256-gcm', key, nonceOf(noncePrefix, index), { authTagLength: TAG_BYTES });
  d.setAAD(aadOf(header, index, last));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const out = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    d.final();
  } catch {
    throw new ChunkTamperedError(index);
  }
  return out;
}

/** Re-cuts a stream of buffers of any size into pieces of exactly `size` bytes (the last may be shorter). */
async function* rechunk(source: AsyncIterable<Buffer | Uint8Array | string>, size: number): AsyncGenerator<Buffer> {
  let buf = Buffer.allocUnsafe(size);
  let fill = 0;
  for await (const piece of source) {
    let data = typeof piece === 'string' ? Buffer.from(piece) : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    // Whole pieces straight from the source when nothing is buffered: no copy.
    while (fill === 0 && data.length >= size) {
      yield data.subarray(0, size);
      data = data.subarray(size);
    }
    while (data.length > 0) {
      const n = Math.min(size - fill, data.length);
      data.copy(buf, fill, 0, n);
      fill += n;
      data = data.subarray(n);
      if (fill === size) {
        yield buf;
        buf = Buffer.allocUnsafe(size);
        fill = 0;
      }
    }
  }
  yield buf.subarray(0, fill);
}

export interface EncryptResult {
  /** SHA-256 (hex) of the plaintext: the file's content address and the hash every receipt names. */
  sha256: string;
  /** Plaintext bytes. */
  size: number;
  chunks: number;
}

/**
 * Encrypts a plaintext stream into the chunked format, hashing the plaintext on the way;
 * `result.value` is set when the output is exhausted. Every chunk but the last is full; the
 * last is shorter (empty when the size is a multiple of the chunk size), which is how a
 * reader tells it. Holds one chunk in memory.
 * @example for await (const b of encryptEvidence(createReadStream(p), key, result)) out.write(b)
 */
export async function* encryptEvidence(source: AsyncIterable<Buffer | Uint8Array | string>, key: Buffer, result: { value?: EncryptResult }, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Buffer> {
  const header = buildHeader(chunkBytes, randomBytes(4));
  yield header;
  const hash = createHash('sha256');
  let size = 0;
  let index = 0;
  for await (const piece of rechunk(source, chunkBytes)) {
    hash.update(piece);
    size += piece.length;
    // Ciphertext and tag go out as two buffers: no copy of the chunk to join them.
    const [ciphertext, tag] = sealChunkParts(key, header, index, piece.length < chunkBytes, piece);
    yield ciphertext;
    yield tag;
    index++;
  }
  result.value = { sha256: hash.digest('hex'), size, chunks: index };
}

/** Plaintext size of a stored file from its stored size (header, full chunks, a shorter last one). */
export function plaintextSize(storedBytes: number, chunkBytes: number): number {
  const body = storedBytes - HEADER_BYTES;
  const sealed = chunkBytes + TAG_BYTES;
  const full = Math.floor(body / sealed);
  const lastSealed = body - full * sealed;
  if (body < TAG_BYTES || lastSealed < TAG_BYTES) throw new EvidenceFormatError('the file ends before its last chunk');
  return full * chunkBytes + lastSealed - TAG_BYTES;
}

function asBuffer(raw: Buffer | Uint8Array | string): Buffer {
  return typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

interface SealedChunk {
  header: Buffer;
  index: number;
  last: boolean;
  sealed: Buffer;
}

/**
 * A stored file's sealed chunks in order, each marked last or not: every full-size one is
 * followed by more, and the shorter one at the end is the last. Throws EvidenceFormatError
 * for a file that is not in this format or lost its last chunk.
 */
async function* sealedChunks(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<SealedChunk> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0) as Buffer;
  while (head.length < HEADER_BYTES) {
    const r = await it.next();
    if (r.done) throw new EvidenceFormatError('not an encrypted evidence file');
    head = Buffer.concat([head, asBuffer(r.value)]);
  }
  const header = Buffer.from(head.subarray(0, HEADER_BYTES));
  const sealedBytes = parseHeader(header).chunkBytes + TAG_BYTES;
  const rest = head.subarray(HEADER_BYTES);
  async function* body(): AsyncGenerator<Buffer> {
    if (rest.length) yield rest;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield asBuffer(r.value);
    }
  }
  let index = 0;
  for await (const piece of rechunk(body(), sealedBytes)) {
    const last = piece.length < sealedBytes;
    if (last && piece.length === 0 && index > 0) throw new EvidenceFormatError(`the file ends after chunk ${index - 1} without its last chunk`);
    if (last && piece.length < TAG_BYTES) throw new EvidenceFormatError(`the last chunk (${index}) is cut short`);
    yield { header, index: index++, last, sealed: piece };
  }
}

/**
 * Decrypts a stored file as a stream of plaintext chunks, checking every tag; throws
 * ChunkTamperedError naming the first chunk that does not verify, and EvidenceFormatError
 * when the file is cut short (no last chunk).
 */
export async function* decryptEvidence(source: AsyncIterable<Buffer | Uint8Array | string>, key: Buffer): AsyncGenerator<Buffer> {
  for await (const c of sealedChunks(source)) yield openChunk(key, c.header, c.index, c.last, c.sealed);
}

export interface VerifyReport {
  ok: boolean;
  /** SHA-256 of the plaintext; null when a chunk did not open. */
  sha256: string | null;
  size: number;
  /** The chunks whose tags did not verify. */
  bad_chunks: number[];
  /** Set when the file is not in this format or is cut short. */
  format_error: string | null;
}

/**
 * Checks every chunk of a stored file (not stopping at the first bad one) and the plaintext
 * hash against the expected one; names every chunk that does not verify.
 */
export async function verifyEvidence(source: AsyncIterable<Buffer | Uint8Array | string>, key: Buffer, expectedSha256?: string): Promise<VerifyReport> {
  const hash = createHash('sha256');
  const bad: number[] = [];
  let size = 0;
  try {
    for await (const c of sealedChunks(source)) {
      try {
        const plain = openChunk(key, c.header, c.index, c.last, c.sealed);
        hash.update(plain);
        size += plain.length;
      } catch (e) {
        if (!(e instanceof ChunkTamperedError)) throw e;
        bad.push(c.index);
        size += c.sealed.length - TAG_BYTES;
      }
    }
  } catch (e) {
    if (!(e instanceof EvidenceFormatError)) throw e;
    return { ok: false, sha256: null, size, bad_chunks: bad, format_error: e.message };
  }
  const sha256 = bad.length ? null : hash.digest('hex');
  return { ok: bad.length === 0 && (expectedSha256 === undefined || expectedSha256 === sha256), sha256, size, bad_chunks: bad, format_error: null };
}
