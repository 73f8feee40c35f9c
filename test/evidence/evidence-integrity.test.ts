import { createHash } from 'node:crypto';
import { openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../../src/app/open-node.js';
import { resolveSettings } from '../../src/config/settings.js';
import { DEFAULT_CHUNK_BYTES, HEADER_BYTES, TAG_BYTES } from '../../src/evidence/storage/chunked-cipher.js';
import { storedPath } from '../../src/evidence/storage/file-store.js';
import { buildTestApp } from '../_util/node.js';
import { DIALECTS } from '../_util/db.js';
import { bytes, evidenceFixture, rawRequest, tus, type EvidenceFixture } from './_evidence.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function flipByte(path: string, chunk: number, at = 10): void {
  const pos = HEADER_BYTES + chunk * (DEFAULT_CHUNK_BYTES + TAG_BYTES) + at;
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, pos);
  b[0]! ^= 0x01;
  writeSync(fd, b, 0, 1, pos);
  closeSync(fd);
}

/** A stored chunk altered on disk is named on download, by verify and by the store check; the key never sits in the database. */
describe.each(DIALECTS)('evidence integrity (%s)', (dialect) => {
  let f: EvidenceFixture;
  let base: string;
  beforeAll(async () => {
    f = await evidenceFixture(dialect);
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => f?.close());

  const auth = (role: keyof EvidenceFixture['tokens']) => ({ authorization: `Bearer ${f.tokens[role]}` });
  const audit = (action: string) => f.node.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  it('a flipped byte in chunk 1 ends the download with an error, is audited, and verify names chunk 1', async () => {
    const data = bytes(3 * MiB + 5, 21);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(f.caseId, data, 2 * MiB);
    flipByte(storedPath(f.node.dataDir, sha(data)), 1);
    const r = await rawRequest(base, 'GET', `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/content`, auth('officer'), (req) => void req.end());
    // Never silently: the body stops short of its Content-Length (or the connection errors).
    if ('status' in r) {
      expect(r.status).toBe(200);
      expect(r.body.length).toBeLessThan(data.length);
    }
    for (let i = 0; i < 200 && (await audit('evidence.tampered')).length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    const tampered = await audit('evidence.tampered');
    expect(tampered.map((a) => JSON.parse(a.details as string).bad_chunk)).toEqual([1]);

    const v = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('auditor') });
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ ok: false, bad_chunks: [1], expected_sha256: sha(data), sha256: null });

    const all = await f.app.inject({ method: 'GET', url: '/api/v1/evidence/verify', headers: auth('admin') });
    expect(all.json().failed.map((x: { expected_sha256: string; bad_chunks: number[] }) => [x.expected_sha256, x.bad_chunks])).toEqual([[sha(data), [1]]]);
  });

  it('a flipped byte in chunk 0 is refused before any byte goes out: 500 evidence-tampered naming chunk 0', async () => {
    const data = bytes(1.5 * MiB, 22);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(f.caseId, data, data.length);
    flipByte(storedPath(f.node.dataDir, sha(data)), 0, 100);
    const r = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/content`, headers: auth('analyst') });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toMatchObject({ type: 'urn:accord:problem:evidence-tampered', bad_chunk: 0 });
    const v = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(v.json()).toMatchObject({ ok: false, bad_chunks: [0] });
  });

  it('an intact file verifies, and a file missing from the store is named', async () => {
    const data = bytes(200_000, 23);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(f.caseId, data, data.length);
    const ok = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(ok.json()).toMatchObject({ ok: true, bad_chunks: [], sha256: sha(data), size: data.length });
    rmSync(storedPath(f.node.dataDir, sha(data)));
    const gone = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/verify`, headers: auth('admin') });
    expect(gone.json()).toMatchObject({ ok: false, missing: true });
  });

  it('holds no file key in the clear: the database has only wrapped keys, and without the key file the node reads and stores nothing', async () => {
    const rows = await f.node.ctx.store.db.selectFrom('evidence_files').select('wrapped_key').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.wrapped_key).toMatch(/^v1:/);
    // The same node opened again with its key file gone (a copy of the database and the files, without the keys).
    const keyFile = join(f.node.dataDir, 'keys', 'evidence-aes256gcm.key');
    rmSync(keyFile);
    const ctx = await openNode(resolveSettings({ dataDir: f.node.dataDir, logLevel: 'silent' }));
    const app = await buildTestApp(ctx);
    try {
      const list = await app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments`, headers: auth('officer') });
      const id = list.json().attachments[0].id as string;
      const d = await app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${id}/content`, headers: auth('officer') });
      expect(d.statusCode).toBe(500);
      expect(d.json().type).toBe('urn:accord:problem:evidence-key-unavailable');
      const c = await tus(app, f.tokens.officer).create(f.caseId, 10);
      expect(c.json().type).toBe('urn:accord:problem:evidence-key-unavailable');
    } finally {
      await app.close();
      await ctx.store.close();
    }
  });
});
