import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropUploadCache } from '../../src/evidence/uploads.service.js';
import { partPath, storedPath } from '../../src/evidence/storage/file-store.js';
import { DIALECTS } from '../_util/db.js';
import { bytes, evidenceFixture, rawRequest, tus, type EvidenceFixture } from './_evidence.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Resumable upload (tus) into the encrypted store: chunk boundaries, resume, store once. */
describe.each(DIALECTS)('evidence upload (%s)', (dialect) => {
  let f: EvidenceFixture;
  beforeAll(async () => {
    f = await evidenceFixture(dialect);
  });
  afterAll(() => f?.close());

  const download = (token: string, caseId: string, id: string) => f.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/attachments/${id}/content`, headers: { authorization: `Bearer ${token}` } });

  it('takes a file in PATCHes that cut chunks anywhere, and gives back the same bytes', async () => {
    const data = bytes(2 * MiB + 12345, 7);
    const t = tus(f.app, f.tokens.officer);
    const { attachmentId } = await t.upload(f.caseId, data, 700_001, { filename: 'c2-logs.bin', type: 'application/octet-stream', description: 'Access logs' });
    const d = await download(f.tokens.officer, f.caseId, attachmentId);
    expect(d.statusCode).toBe(200);
    expect(d.rawPayload.length).toBe(data.length);
    expect(sha(d.rawPayload)).toBe(sha(data));
    expect(d.headers['content-disposition']).toContain('c2-logs.bin');
    const meta = (await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}`, headers: { authorization: `Bearer ${f.tokens.analyst}` } })).json();
    expect(meta.attachment).toMatchObject({ sha256: sha(data), size: data.length, name: 'c2-logs.bin', description: 'Access logs', hold: false, deleted_at: null, transfer_state: 'local' });
    // Nothing plaintext rests on disk: the stored file is not the data, and no upload files are left.
    const stored = readFileSync(storedPath(f.node.dataDir, sha(data)));
    expect(stored.includes(data.subarray(0, 64))).toBe(false);
    expect(readdirSync(join(f.node.dataDir, 'evidence', 'uploads'))).toEqual([]);
  });

  it('stores the same content once, for two attachments', async () => {
    const data = bytes(300_000, 9);
    const t = tus(f.app, f.tokens.coordinator);
    const a = await t.upload(f.caseId, data, 100_000, { filename: 'one.bin' });
    const other = await f.openCase();
    const b = await t.upload(other.caseId, data, data.length, { filename: 'two.bin' });
    expect(a.attachmentId).not.toBe(b.attachmentId);
    const files = await f.node.ctx.store.db.selectFrom('evidence_files').selectAll().where('sha256', '=', sha(data)).execute();
    expect(files).toHaveLength(1);
    expect(sha((await download(f.tokens.officer, other.caseId, b.attachmentId)).rawPayload)).toBe(sha(data));
    expect(sha((await download(f.tokens.officer, f.caseId, a.attachmentId)).rawPayload)).toBe(sha(data));
  });

  it('takes an empty file at creation', async () => {
    const c = await tus(f.app, f.tokens.officer).create(f.caseId, 0, { filename: 'empty.txt' });
    expect(c.statusCode).toBe(201);
    const id = c.json().attachment_id as string;
    const d = await download(f.tokens.officer, f.caseId, id);
    expect([d.statusCode, d.rawPayload.length]).toEqual([200, 0]);
  });

  it('resumes after the connection breaks mid-PATCH, and after the node forgot the hash state (a restart)', async () => {
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    const data = bytes(3 * MiB + 777, 11);
    const t = tus(f.app, f.tokens.officer);
    const c = await t.create(f.caseId, data.length, { filename: 'disk.img' });
    const url = c.headers.location as string;
    const headers = { authorization: `Bearer ${f.tokens.officer}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length) };
    // Send 1.5 MiB of the 3 MiB, wait until the node stored the first chunk, then cut the connection.
    const cut = await rawRequest(base, 'PATCH', url, headers, async (req) => {
      req.write(data.subarray(0, 1.5 * MiB));
      const until = Date.now() + 30_000;
      while (Number((await t.head(url)).headers['upload-offset']) < MiB && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      req.destroy();
    });
    expect('error' in cut).toBe(true);
    // The client asks where to resume; a PATCH still winding down answers 409, and it asks again.
    let offset: number;
    for (let i = 0; ; i++) {
      offset = Number((await t.head(url)).headers['upload-offset']);
      const r = await t.patch(url, offset, data.subarray(offset, offset + MiB / 2));
      if (r.statusCode === 204) {
        offset = Number(r.headers['upload-offset']);
        break;
      }
      expect(r.statusCode).toBe(409);
      if (i > 1000) throw new Error('never resumed');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(offset).toBeGreaterThanOrEqual(1.5 * MiB);
    // As after a restart: the hash so far is rebuilt from the encrypted part file and tail.
    dropUploadCache();
    let id = '';
    while (offset < data.length) {
      const r = await t.patch(url, offset, data.subarray(offset, offset + 400_000));
      expect(r.statusCode).toBe(204);
      offset = Number(r.headers['upload-offset']);
      id = (r.headers['accord-attachment-id'] as string) ?? id;
    }
    const d = await download(f.tokens.officer, f.caseId, id);
    expect(sha(d.rawPayload)).toBe(sha(data));
    expect((await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${id}`, headers: { authorization: `Bearer ${f.tokens.officer}` } })).json().attachment.sha256).toBe(sha(data));
  });

  it('leaves a chunk being written alone when asked the offset: only the PATCH holding the upload cuts a torn chunk away', async () => {
    const data = bytes(2 * MiB + 99, 13);
    const t = tus(f.app, f.tokens.officer);
    const url = (await t.create(f.caseId, data.length, { filename: 'torn.bin' })).headers.location as string;
    expect((await t.patch(url, 0, data.subarray(0, 1.5 * MiB))).statusCode).toBe(204);
    // As a PATCH in the middle of writing its second chunk: the part file ends inside it.
    const part = partPath(f.node.dataDir, url.split('/').pop()!);
    appendFileSync(part, Buffer.alloc(4096, 1));
    const size = statSync(part).size;
    expect(Number((await t.head(url)).headers['upload-offset'])).toBe(1.5 * MiB);
    expect(statSync(part).size).toBe(size);
    // The next PATCH holds the upload: it cuts the torn bytes away and goes on.
    let offset = 1.5 * MiB;
    let id = '';
    while (offset < data.length) {
      const r = await t.patch(url, offset, data.subarray(offset, offset + MiB));
      expect(r.statusCode).toBe(204);
      offset = Number(r.headers['upload-offset']);
      id = (r.headers['accord-attachment-id'] as string) ?? id;
    }
    expect(sha((await download(f.tokens.officer, f.caseId, id)).rawPayload)).toBe(sha(data));
  });

  it('keeps the storage key beside the node keys, private, and refuses to make a new one while evidence is stored', async () => {
    const path = join(f.node.dataDir, 'keys', 'evidence-aes256gcm.key');
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
