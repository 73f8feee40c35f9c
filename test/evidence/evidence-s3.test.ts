import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { HEADER_BYTES, TAG_BYTES } from '../../src/evidence/storage/chunked-cipher.js';
import { evidenceStoreOf, objectKey } from '../../src/evidence/storage/evidence-store.js';
import { storedPath } from '../../src/evidence/storage/file-store.js';
import { offerNewAttachments, serveChunk } from '../../src/evidence/transfer/transfer.service.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp } from '../_util/node.js';
import { bytes, evidenceFixture, PEER, tus, type EvidenceFixture } from './_evidence.js';
import { startS3, type S3Server } from './_s3.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Evidence stored in a bucket of an S3-compatible store (a real s3rver over HTTP): the same
 * sealed chunks under the same content address, nothing on the node's disk, chunks read by
 * range for transfers, a flipped byte in the bucket named by chunk, removed on deletion.
 */
describe.each(DIALECTS)('evidence in an S3-compatible store (%s)', (dialect) => {
  let s3: S3Server;
  let f: EvidenceFixture;
  const bucket = `evidence-${dialect}`;
  beforeAll(async () => {
    s3 = await startS3();
    f = await evidenceFixture(dialect, await s3.bucket(bucket));
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    await s3?.close();
  });

  const auth = (role: keyof EvidenceFixture['tokens']) => ({ authorization: `Bearer ${f.tokens[role]}` });
  const download = (caseId: string, id: string) => f.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/attachments/${id}/content`, headers: auth('officer') });

  it('stores an upload in the bucket (multipart for a large file), as ciphertext only, and gives the same bytes back', async () => {
    const data = bytes(21 * MiB + 777, 41);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(f.caseId, data, 4 * MiB + 3);
    expect(await s3.keys(bucket)).toContain(objectKey(sha(data)));
    expect(existsSync(storedPath(f.node.dataDir, sha(data)))).toBe(false);
    const object = await s3.get(bucket, objectKey(sha(data)));
    const chunks = Math.ceil(data.length / MiB);
    expect(object.length).toBe(HEADER_BYTES + data.length + chunks * TAG_BYTES);
    for (const at of [0, 5 * MiB, 20 * MiB]) expect(object.includes(data.subarray(at, at + 64))).toBe(false);
    const d = await download(f.caseId, attachmentId);
    expect(d.statusCode).toBe(200);
    expect(sha(d.rawPayload)).toBe(sha(data));
    // A range of the object, as transfers read it.
    const reader = await evidenceStoreOf(f.node.ctx.settings).openReader(sha(data));
    expect(await reader.size()).toBe(object.length);
    const at = HEADER_BYTES + 3 * (MiB + TAG_BYTES);
    expect((await reader.read(at, 1000)).equals(object.subarray(at, at + 1000))).toBe(true);
    expect((await reader.read(object.length - 10, 100)).equals(object.subarray(object.length - 10))).toBe(true);
    await reader.close();
  }, 120_000);

  it('serves transfer chunks from the bucket by range, each checked', async () => {
    const data = bytes(2 * MiB + 5000, 42);
    const c = await f.openCase();
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(c.caseId, data, data.length);
    const { offered } = await offerNewAttachments(f.node.ctx);
    expect(offered).toBeGreaterThanOrEqual(1);
    const parts = [];
    for (let i = 0; i < 3; i++) parts.push(await serveChunk(f.node.ctx, PEER, attachmentId, i));
    expect(sha(Buffer.concat(parts))).toBe(sha(data));
    expect(parts[1]!.equals(data.subarray(MiB, 2 * MiB))).toBe(true);
  }, 60_000);

  it('names the chunk of a flipped byte in the bucket on verify and download, and an object missing from the bucket', async () => {
    const data = bytes(2.5 * MiB, 43);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(f.caseId, data, data.length);
    const key = objectKey(sha(data));
    const object = await s3.get(bucket, key);
    object[HEADER_BYTES + (MiB + TAG_BYTES) + 10]! ^= 0x01;
    await s3.put(bucket, key, object);
    const v = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(v.json()).toMatchObject({ ok: false, bad_chunks: [1], expected_sha256: sha(data) });
    // A flipped byte in chunk 0 as well: the download is refused before any byte goes out, naming chunk 0.
    object[HEADER_BYTES + 20]! ^= 0x01;
    await s3.put(bucket, key, object);
    const d = await download(f.caseId, attachmentId);
    expect(d.statusCode).toBe(500);
    expect(d.json()).toMatchObject({ type: 'urn:accord:problem:evidence-tampered', bad_chunk: 0 });
    const v2 = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(v2.json()).toMatchObject({ ok: false, bad_chunks: [0, 1] });
    // Gone from the bucket: missing, named.
    await s3.remove(bucket, key);
    const gone = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(gone.json()).toMatchObject({ ok: false, missing: true });
  }, 60_000);

  it('removes the object when retention deletes the content', async () => {
    const data = bytes(300_000, 44);
    const c = await f.openCase();
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(c.caseId, data, data.length);
    expect(await s3.keys(bucket)).toContain(objectKey(sha(data)));
    await c.withdraw();
    const del = await f.app.inject({ method: 'DELETE', url: `/api/v1/cases/${c.caseId}/attachments/${attachmentId}`, headers: auth('admin') });
    expect(del.statusCode).toBe(200);
    expect(await s3.keys(bucket)).not.toContain(objectKey(sha(data)));
    expect(await evidenceStoreOf(f.node.ctx.settings).size(sha(data))).toBeNull();
  }, 60_000);

  it('answers 503 naming the store when the bucket is gone at the last PATCH, and the upload completes once it is back', async () => {
    const other = `gone-${dialect}`;
    const g = await evidenceFixture(dialect, await s3.bucket(other));
    try {
      await g.app.ready();
      await s3.client.send(new DeleteBucketCommand({ Bucket: other }));
      const data = bytes(1.5 * MiB, 45);
      const t = tus(g.app, g.tokens.officer);
      const url = (await t.create(g.caseId, data.length)).headers.location as string;
      const first = await t.patch(url, 0, data.subarray(0, MiB));
      expect(first.statusCode).toBe(204);
      const last = await t.patch(url, MiB, data.subarray(MiB));
      expect(last.statusCode).toBe(503);
      expect(last.json()).toMatchObject({ type: 'urn:accord:problem:evidence-store-unavailable' });
      expect(last.json().detail).toContain(`${s3.url}/${other}`);
      await s3.client.send(new CreateBucketCommand({ Bucket: other }));
      const offset = Number((await t.head(url)).headers['upload-offset']);
      const done = await t.patch(url, offset, data.subarray(offset));
      expect(done.statusCode).toBe(204);
      const id = done.headers['accord-attachment-id'] as string;
      const d = await g.app.inject({ method: 'GET', url: `/api/v1/cases/${g.caseId}/attachments/${id}/content`, headers: { authorization: `Bearer ${g.tokens.officer}` } });
      expect(sha(d.rawPayload)).toBe(sha(data));
      expect(await s3.keys(other)).toEqual([objectKey(sha(data))]);
    } finally {
      await g.close();
    }
  }, 120_000);

  it('does not start on a bucket that does not exist, or an endpoint that does not answer, and says which', async () => {
    const settings = (over: Record<string, string>) => resolveSettings({ dataDir: f.node.dataDir, logLevel: 'silent', ...over }, {});
    const app1 = await buildTestApp({ ...f.node.ctx, settings: settings({ evidenceS3Bucket: 'no-such-bucket' }) }).catch((e: Error) => e);
    const e1 = app1 instanceof Error ? app1 : await app1.ready().then(() => null, (e: Error) => e);
    expect(e1?.message).toMatch(/evidence store http:\/\/127\.0\.0\.1:\d+\/no-such-bucket .*the bucket no-such-bucket does not exist/);
    const app2 = await buildTestApp({ ...f.node.ctx, settings: settings({ evidenceS3Url: 'http://127.0.0.1:9' }) }).catch((e: Error) => e);
    const e2 = app2 instanceof Error ? app2 : await app2.ready().then(() => null, (e: Error) => e);
    expect(e2?.message).toMatch(/evidence store http:\/\/127\.0\.0\.1:9\/evidence-/);
  }, 60_000);
});

describe('S3 settings', () => {
  it('refuse a URL without a bucket, a bad bucket name, and half a key pair, naming the setting', () => {
    expect(() => resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, { ACCORD_EVIDENCE_S3_URL: 'http://127.0.0.1:9000' })).toThrow(/evidenceS3Bucket \(ACCORD_EVIDENCE_S3_BUCKET\): must be set when evidenceS3Url is/);
    expect(() => resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, { ACCORD_EVIDENCE_S3_URL: 'http://127.0.0.1:9000', ACCORD_EVIDENCE_S3_BUCKET: 'X' })).toThrow(/invalid setting evidenceS3Bucket/);
    expect(() => resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, { ACCORD_EVIDENCE_S3_URL: 's3.example.org', ACCORD_EVIDENCE_S3_BUCKET: 'ev' + 'x' })).toThrow(/invalid setting evidenceS3Url .*http\(s\) URL/);
    expect(() => resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, { ACCORD_EVIDENCE_S3_URL: 'http://127.0.0.1:9000', ACCORD_EVIDENCE_S3_BUCKET: 'evidence', ACCORD_EVIDENCE_S3_ACCESS_KEY_ID: 'AK' })).toThrow(/go together/);
    const s = resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, { ACCORD_EVIDENCE_S3_URL: 'http://127.0.0.1:9000/', ACCORD_EVIDENCE_S3_BUCKET: 'evidence' });
    expect([s.evidenceS3Url, s.evidenceS3Bucket, s.evidenceS3Region]).toEqual(['http://127.0.0.1:9000', 'evidence', 'us-east-1']);
    expect(resolveSettings({ dataDir: '/tmp/accord-s3-settings' }, {}).evidenceS3Url).toBeUndefined();
  });
});
