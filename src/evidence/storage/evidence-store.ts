import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Settings } from '../../config/settings.js';
import { AppError } from '../../errors.js';
import { moveIntoStore, removeStored, storedPath } from './file-store.js';

/**
 * Where stored evidence files live: the node's data directory (file-store.ts) or, when
 * `evidenceS3Url` is set, a bucket of an S3-compatible store. Either way a stored file is
 * the sealed chunk format of chunked-cipher.ts under its content address (the SHA-256 of its
 * plaintext): only ciphertext leaves the node, and each file's key stays wrapped in the
 * database. A file missing from the store reads as an error with `code: 'ENOENT'`.
 */
export interface EvidenceStore {
  /** `file` or `s3`, and where (for messages and logs). */
  readonly kind: 'file' | 's3';
  readonly where: string;
  /** Stores the sealed file `localFile` under `sha256` (the file store moves it; the S3 store uploads it and leaves it). */
  put(sha256: string, localFile: string): Promise<void>;
  /** The stored file as a stream, read in order. */
  stream(sha256: string): Readable;
  /** Opens the stored file for reads at any position (transfer chunks). */
  openReader(sha256: string): Promise<StoredReader>;
  /** The stored file's size in bytes, or null when it is not there. */
  size(sha256: string): Promise<number | null>;
  /** Removes the stored file (nothing when it is not there). */
  remove(sha256: string): Promise<void>;
  /** Checks that the store answers (start-up): throws an error naming it otherwise. */
  check(): Promise<void>;
}

export interface StoredReader {
  size(): Promise<number>;
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

const READ_BYTES = 1024 * 1024;

function missing(sha256: string, where: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`the stored file ${sha256} is not in ${where}`);
  e.code = 'ENOENT';
  return e;
}

/** Today's store: DIR/evidence/store/ab/cd/<sha256>.aev. */
export function fileStore(dataDir: string): EvidenceStore {
  return {
    kind: 'file',
    where: dataDir,
    put: async (sha256, localFile) => moveIntoStore(dataDir, localFile, sha256),
    stream: (sha256) => createReadStream(storedPath(dataDir, sha256), { highWaterMark: READ_BYTES }),
    openReader: async (sha256) => {
      const fh = await open(storedPath(dataDir, sha256), 'r');
      return {
        size: async () => (await fh.stat()).size,
        read: async (position, length) => {
          const buf = Buffer.allocUnsafe(length);
          const { bytesRead } = await fh.read(buf, 0, length, position);
          return buf.subarray(0, bytesRead);
        },
        close: () => fh.close(),
      };
    },
    size: async (sha256) => {
      try {
        return (await stat(storedPath(dataDir, sha256))).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    remove: async (sha256) => removeStored(dataDir, sha256),
    check: async () => undefined,
  };
}

/** The object key of a stored file: the same layout as on disk, `store/ab/cd/<sha256>.aev`. */
export function objectKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `store/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}.aev`;
}

/** An S3 failure, said with the store it came from (the SDK's own messages rarely name it). */
export class EvidenceStoreError extends AppError {
  override name = 'EvidenceStoreError';
  constructor(where: string, doing: string, err: unknown) {
    const e = err as { name?: string; message?: string; Code?: string };
    const what = e.name && e.name !== 'Error' ? `${e.name}: ${e.message ?? ''}` : (e.message ?? String(err));
    super(503, 'evidence-store-unavailable', 'Evidence store unavailable', `the evidence store ${where} failed to ${doing}: ${what}`.trim());
  }
}

/** Upload parts: 8 MiB, two in flight (so an upload holds about 16 MiB, whatever the file's size). */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

type S3Sdk = typeof import('@aws-sdk/client-s3');
type S3Upload = typeof import('@aws-sdk/lib-storage');

function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return x?.name === 'NoSuchKey' || x?.name === 'NotFound' || x?.$metadata?.httpStatusCode === 404 && x?.name !== 'NoSuchBucket';
}

/**
 * A bucket of an S3-compatible store (path-style addressing, so any endpoint works). The AWS
 * SDK is loaded only here, when the node is configured for it: a node on the file store does
 * not carry it in memory.
 */
export function s3Store(s: { url: string; bucket: string; region: string; accessKeyId?: string | undefined; secretAccessKey?: string | undefined }): EvidenceStore {
  const where = `${s.url}/${s.bucket}`;
  let loaded: Promise<{ sdk: S3Sdk; lib: S3Upload; client: InstanceType<S3Sdk['S3Client']> }> | null = null;
  const sdk = () =>
    (loaded ??= (async () => {
      // The SDK warns on every start under Node < 22 (NodeVersionSupportWarning); its documented switch keeps that out of the node's log.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const [sdk, lib] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
      const client = new sdk.S3Client({
        endpoint: s.url,
        region: s.region,
        forcePathStyle: true,
        // Checksums only where S3 requires them: many S3-compatible stores reject the newer ones.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 3,
        ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
      });
      return { sdk, lib, client };
    })());

  const getRange = async (sha256: string, range?: string) => {
    const { sdk: S3, client } = await sdk();
    try {
      return await client.send(new S3.GetObjectCommand({ Bucket: s.bucket, Key: objectKey(sha256), ...(range ? { Range: range } : {}) }));
    } catch (e) {
      if (isNotFound(e)) throw missing(sha256, where);
      if ((e as { name?: string }).name === 'InvalidRange') return null;
      throw new EvidenceStoreError(where, `read ${sha256}`, e);
    }
  };
  const size = async (sha256: string): Promise<number | null> => {
    const { sdk: S3, client } = await sdk();
    try {
      const h = await client.send(new S3.HeadObjectCommand({ Bucket: s.bucket, Key: objectKey(sha256) }));
      return Number(h.ContentLength ?? 0);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new EvidenceStoreError(where, `look up ${sha256}`, e);
    }
  };

  return {
    kind: 's3',
    where,
    put: async (sha256, localFile) => {
      const { lib, client } = await sdk();
      const body = createReadStream(localFile, { highWaterMark: READ_BYTES });
      try {
        await new lib.Upload({ client, params: { Bucket: s.bucket, Key: objectKey(sha256), Body: body, ContentType: 'application/octet-stream' }, partSize: PART_BYTES, queueSize: PARTS_IN_FLIGHT, leavePartsOnError: false }).done();
      } catch (e) {
        throw new EvidenceStoreError(where, `store ${sha256}`, e);
      } finally {
        body.destroy();
      }
    },
    stream: (sha256) =>
      Readable.from(
        (async function* () {
          const r = await getRange(sha256);
          if (!r?.Body) return;
          for await (const c of r.Body as AsyncIterable<Uint8Array>) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
        })(),
        { objectMode: false },
      ),
    openReader: async (sha256) => {
      let known: number | null | undefined;
      const sizeOf = async () => {
        if (known === undefined) known = await size(sha256);
        if (known === null) throw missing(sha256, where);
        return known;
      };
      return {
        size: sizeOf,
        read: async (position, length) => {
          if (length === 0) return Buffer.alloc(0);
          const r = await getRange(sha256, `bytes=${position}-${position + length - 1}`);
          if (!r?.Body) return Buffer.alloc(0);
          const got = Buffer.from(await r.Body.transformToByteArray());
          // A store that ignores Range answers the whole object (200): take the part asked for.
          return r.ContentRange || got.length <= length ? got.subarray(0, length) : got.subarray(position, position + length);
        },
        close: async () => undefined,
      };
    },
    size,
    remove: async (sha256) => {
      const { sdk: S3, client } = await sdk();
      try {
        await client.send(new S3.DeleteObjectCommand({ Bucket: s.bucket, Key: objectKey(sha256) }));
      } catch (e) {
        if (isNotFound(e)) return;
        throw new EvidenceStoreError(where, `remove ${sha256}`, e);
      }
    },
    check: async () => {
      const { sdk: S3, client } = await sdk();
      try {
        await client.send(new S3.HeadBucketCommand({ Bucket: s.bucket }));
      } catch (e) {
        const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
        const why = x.$metadata?.httpStatusCode === 404 || x.name === 'NotFound' || x.name === 'NoSuchBucket' ? `the bucket ${s.bucket} does not exist` : x.$metadata?.httpStatusCode === 403 ? 'access denied (check the access key)' : null;
        throw new EvidenceStoreError(where, 'answer', why ? { message: why } : e);
      }
    },
  };
}

const stores = new WeakMap<Settings, EvidenceStore>();

/** The node's evidence store, made once per settings. */
export function evidenceStoreOf(settings: Settings): EvidenceStore {
  let st = stores.get(settings);
  if (!st) {
    st = settings.evidenceS3Url && settings.evidenceS3Bucket
      ? s3Store({ url: settings.evidenceS3Url, bucket: settings.evidenceS3Bucket, region: settings.evidenceS3Region, accessKeyId: settings.evidenceS3AccessKeyId, secretAccessKey: settings.evidenceS3SecretAccessKey })
      : fileStore(settings.dataDir);
    stores.set(settings, st);
  }
  return st;
}
