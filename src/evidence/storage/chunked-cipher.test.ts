import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkTamperedError, decryptEvidence, encryptEvidence, EvidenceFormatError, HEADER_BYTES, newFileKey, plaintextSize, TAG_BYTES, verifyEvidence, type EncryptResult } from './chunked-cipher.js';

const CHUNK = 1024;
const SEALED = CHUNK + TAG_BYTES;

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of it) out.push(b);
  return Buffer.concat(out);
}

/** The plaintext as a stream cut at the given places. */
async function* pieces(data: Buffer, cuts: number[] = []): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < data.length)].sort((a, b) => a - b)) {
    yield data.subarray(at, c);
    at = c;
  }
  yield data.subarray(at);
}

async function seal(data: Buffer, key = newFileKey(), cuts: number[] = []): Promise<{ stored: Buffer; key: Buffer; result: EncryptResult }> {
  const r: { value?: EncryptResult } = {};
  const stored = await collect(encryptEvidence(pieces(data, cuts), key, r, CHUNK));
  return { stored, key, result: r.value! };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('chunked evidence encryption', () => {
  it('round-trips any size, however the input is cut, and hashes the plaintext', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 * CHUNK + 7 }), fc.array(fc.nat(6 * CHUNK), { maxLength: 6 }), async (size, cuts) => {
        const data = randomBytes(size);
        const { stored, key, result } = await seal(data, undefined, cuts);
        expect(result).toEqual({ sha256: sha(data), size, chunks: Math.floor(size / CHUNK) + 1 });
        expect(stored.length).toBe(HEADER_BYTES + size + result.chunks * TAG_BYTES);
        expect(plaintextSize(stored.length, CHUNK)).toBe(size);
        expect((await collect(decryptEvidence(pieces(stored, cuts.map((c) => c + 3)), key))).equals(data)).toBe(true);
        expect(await verifyEvidence(pieces(stored), key, sha(data))).toEqual({ ok: true, sha256: sha(data), size, bad_chunks: [], format_error: null });
      }),
      { numRuns: 60 },
    );
  });

  it('never holds two files under one nonce: the same plaintext and key encrypt differently', async () => {
    const data = randomBytes(3 * CHUNK);
    const key = newFileKey();
    expect((await seal(data, key)).stored.equals((await seal(data, key)).stored)).toBe(false);
  });

  it('names each chunk with a flipped byte, and refuses to decrypt past the first', async () => {
    const data = randomBytes(4 * CHUNK + 10);
    const { stored, key } = await seal(data);
    const bad = Buffer.from(stored);
    bad[HEADER_BYTES + 1 * SEALED + 5]! ^= 0x01;
    bad[HEADER_BYTES + 3 * SEALED + SEALED - 1]! ^= 0x80; // the tag of chunk 3
    expect(await verifyEvidence(pieces(bad), key)).toMatchObject({ ok: false, sha256: null, bad_chunks: [1, 3] });
    await expect(collect(decryptEvidence(pieces(bad), key))).rejects.toEqual(new ChunkTamperedError(1));
  });

  it('detects chunks swapped, a file cut short or extended, another key and another file header', async () => {
    const data = randomBytes(3 * CHUNK + 100);
    const { stored, key } = await seal(data);
    const chunk = (i: number) => stored.subarray(HEADER_BYTES + i * SEALED, HEADER_BYTES + (i + 1) * SEALED);
    const swapped = Buffer.concat([stored.subarray(0, HEADER_BYTES), chunk(1), chunk(0), stored.subarray(HEADER_BYTES + 2 * SEALED)]);
    expect((await verifyEvidence(pieces(swapped), key)).bad_chunks).toEqual([0, 1]);

    const cut = stored.subarray(0, HEADER_BYTES + 3 * SEALED);
    expect((await verifyEvidence(pieces(cut), key)).format_error).toMatch(/without its last chunk/);
    await expect(collect(decryptEvidence(pieces(cut), key))).rejects.toBeInstanceOf(EvidenceFormatError);
    // The last chunk alone dropped: the full chunk before it now claims to be last, and fails.
    expect((await verifyEvidence(pieces(stored.subarray(0, HEADER_BYTES + 2 * SEALED + 500)), key)).ok).toBe(false);

    expect((await verifyEvidence(pieces(stored), newFileKey())).bad_chunks).toEqual([0, 1, 2, 3]);

    const other = await seal(data, key);
    const mixed = Buffer.concat([other.stored.subarray(0, HEADER_BYTES), stored.subarray(HEADER_BYTES)]);
    expect((await verifyEvidence(pieces(mixed), key)).bad_chunks).toEqual([0, 1, 2, 3]);
  });

  it('reports a wrong hash and a file that is not in the format', async () => {
    const data = randomBytes(100);
    const { stored, key } = await seal(data);
    expect(await verifyEvidence(pieces(stored), key, sha(Buffer.from('other')))).toMatchObject({ ok: false, sha256: sha(data), bad_chunks: [] });
    expect((await verifyEvidence(pieces(Buffer.from('plain text, never encrypted, longer than a header')), key)).format_error).toMatch(/not an encrypted evidence file/);
  });
});
