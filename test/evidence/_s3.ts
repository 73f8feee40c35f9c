import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => S3rverInstance;

/** A real S3-compatible server (s3rver) over HTTP on a free port, with a client and one bucket per call of `bucket`. */
export interface S3Server {
  url: string;
  client: S3Client;
  /** Makes a new bucket; answers the node settings that store evidence in it. */
  bucket(name: string): Promise<Record<string, string>>;
  keys(bucket: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<Buffer>;
  put(bucket: string, key: string, body: Buffer): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'accord-s3-'));
  const srv = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = await srv.run();
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  return {
    url,
    client,
    bucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return { evidenceS3Url: url, evidenceS3Bucket: name, evidenceS3AccessKeyId: 'S3RVER', evidenceS3SecretAccessKey: 'S3RVER' };
    },
    keys: async (bucket) => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((c) => c.Key!).sort(),
    get: async (bucket, key) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray()),
    put: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    remove: async (bucket, key) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    close: async () => {
      client.destroy();
      await srv.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
