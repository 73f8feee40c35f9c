import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES, TAG_BYTES } from '../../src/evidence/storage/chunked-cipher.js';
import { objectKey } from '../../src/evidence/storage/evidence-store.js';
import { storedPath } from '../../src/evidence/storage/file-store.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { adminToken, apiOf, caseWhen, PRESERVATION, sendRequest, type Api } from '../cases/_cases.js';
import { addPeer, waitFor } from '../federation/_federation.js';
import { startS3, type S3Server } from './_s3.js';
import { startNodesInTurn, transferState, uploadGenerated } from './_transfer.js';

const CHUNK = 1024 * 1024;

/**
 * A transfer to a node whose evidence lives in an S3-compatible store (a real s3rver over
 * HTTP): the sender reads its file system, the receiver assembles the file locally and puts
 * it in its bucket, sealed with its own key, once it is whole and hash-checked.
 */
describe.each(DIALECTS)('evidence transfer to a node storing in S3 (%s)', (dialect) => {
  let s3: S3Server;
  let a: NodeProcess, b: NodeProcess;
  let apiA: Api, apiB: Api;
  let cleanup: () => Promise<void>;
  const bucket = `node-b-${dialect}`;

  beforeAll(async () => {
    s3 = await startS3();
    const s = await s3.bucket(bucket);
    const envB = { ACCORD_EVIDENCE_S3_URL: s.evidenceS3Url!, ACCORD_EVIDENCE_S3_BUCKET: bucket, ACCORD_EVIDENCE_S3_ACCESS_KEY_ID: 'S3RVER', ACCORD_EVIDENCE_S3_SECRET_ACCESS_KEY: 'S3RVER' };
    const f = await startNodesInTurn(dialect, ['uz-cert', 'kz-cert'], { ACCORD_EVIDENCE_PEER_BYTES_PER_SECOND: String(64 * CHUNK) }, { 'kz-cert': envB });
    [a, b] = f.nodes as [NodeProcess, NodeProcess];
    cleanup = f.cleanup;
    addPeer(a, b);
    addPeer(b, a);
    apiA = apiOf(a, adminToken(a));
    apiB = apiOf(b, adminToken(b));
  }, 400_000);

  afterAll(async () => {
    await cleanup?.();
    await s3?.close();
  });

  it('a file attached on A arrives in B\'s bucket, sealed, not on B\'s disk, and B gives the same bytes back', async () => {
    const caseId = await sendRequest(apiA, b.nodeId, PRESERVATION);
    await caseWhen(apiB, caseId, 'the request on B');
    const size = 3 * CHUNK + 4321;
    const sent = await uploadGenerated(a, adminToken(a), caseId, size, 'flows.bin');
    const onB = await waitFor('the attachment received on B', async () => {
      const t = await transferState(apiB, caseId, sent.attachmentId);
      return t?.state === 'received' ? t : undefined;
    }, 240_000);
    expect(onB).toMatchObject({ chunks: 4, chunks_done: 4, error: null });
    expect(existsSync(storedPath(a.dataDir, sent.sha256))).toBe(true);
    expect(existsSync(storedPath(b.dataDir, sent.sha256))).toBe(false);
    const object = await s3.get(bucket, objectKey(sent.sha256));
    expect(object.length).toBe(HEADER_BYTES + size + 4 * TAG_BYTES);
    expect(object.subarray(0, 8).toString('ascii')).toBe('ACCORDEV');
    const res = await fetch(`${b.url}/api/v1/cases/${caseId}/attachments/${sent.attachmentId}/content`, { headers: { authorization: `Bearer ${adminToken(b)}` } });
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(got).digest('hex')).toBe(sent.sha256);
    // Only ciphertext in the bucket: no stretch of the content is in the object.
    expect(object.includes(got.subarray(CHUNK, CHUNK + 64))).toBe(false);
  }, 600_000);
});
