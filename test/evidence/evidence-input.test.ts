import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/evidence/storage/file-store.js';
import { HOST } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { b64, bytes, evidenceFixture, tus, type EvidenceFixture } from './_evidence.js';

const UNKNOWN = '0190c2d4-0000-7000-8000-000000000000';

/** Every upload route answers what it cannot take with the tus status and a problem naming the header at fault. */
describe.each(DIALECTS)('evidence routes refuse bad input (%s)', (dialect) => {
  let f: EvidenceFixture;
  beforeAll(async () => {
    f = await evidenceFixture(dialect, { evidenceMaxBytes: 5_000_000, evidenceUploadsPerUser: 3 });
  });
  afterAll(() => f?.close());

  const base = () => `/api/v1/cases/${f.caseId}/attachments/uploads`;
  const pointers = (r: { json(): { errors?: { in: string; pointer: string }[] } }) => (r.json().errors ?? []).map((e) => `${e.in}${e.pointer}`);

  it('OPTIONS tells the tus version, extensions and the size limit', async () => {
    const r = await f.app.inject({ method: 'OPTIONS', url: base() });
    expect(r.statusCode).toBe(204);
    expect(r.headers).toMatchObject({ 'tus-resumable': '1.0.0', 'tus-version': '1.0.0', 'tus-max-size': '5000000', 'tus-extension': 'creation,termination' });
  });

  it('creation: 412 without Tus-Resumable, 400 naming a missing or bad Upload-Length or file name, 413 over the limit', async () => {
    const h = { authorization: `Bearer ${f.tokens.officer}` };
    const noTus = await f.app.inject({ method: 'POST', url: base(), headers: { ...h, 'upload-length': '10', 'upload-metadata': `filename ${b64('a.txt')}` } });
    expect([noTus.statusCode, noTus.json().type, noTus.headers['tus-version']]).toEqual([412, 'urn:accord:problem:tus-version', '1.0.0']);
    const noLength = await f.app.inject({ method: 'POST', url: base(), headers: { ...h, 'tus-resumable': '1.0.0', 'upload-metadata': `filename ${b64('a.txt')}` } });
    expect([noLength.statusCode, pointers(noLength)]).toEqual([400, ['headers/upload-length']]);
    const badLength = await tus(f.app, f.tokens.officer).create(f.caseId, -1 as number);
    expect([badLength.statusCode, pointers(badLength)]).toEqual([400, ['headers/upload-length']]);
    const noName = await tus(f.app, f.tokens.officer).create(f.caseId, 10, { type: 'text/plain' });
    expect([noName.statusCode, pointers(noName)]).toEqual([400, ['headers/upload-metadata/filename']]);
    const badType = await tus(f.app, f.tokens.officer).create(f.caseId, 10, { filename: 'a', type: 'not a type' });
    expect([badType.statusCode, pointers(badType)]).toEqual([400, ['headers/upload-metadata/type']]);
    const badEvent = await tus(f.app, f.tokens.officer).create(f.caseId, 10, { filename: 'a', event_id: 'x' });
    expect([badEvent.statusCode, pointers(badEvent)]).toEqual([400, ['headers/upload-metadata/event_id']]);
    const tooBig = await tus(f.app, f.tokens.officer).create(f.caseId, 5_000_001);
    expect([tooBig.statusCode, tooBig.json().type, tooBig.json().max_bytes]).toEqual([413, 'urn:accord:problem:upload-too-large', 5_000_000]);
  });

  it('a case this node does not hold, or a malformed case id: 404 and 400', async () => {
    const r = await tus(f.app, f.tokens.officer).create(UNKNOWN, 10);
    expect([r.statusCode, r.json().type]).toEqual([404, 'urn:accord:problem:not-found']);
    const list = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${UNKNOWN}/attachments`, headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect(list.statusCode).toBe(404);
    const custody = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${UNKNOWN}/custody`, headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect(custody.statusCode).toBe(404);
    const bad = await f.app.inject({ method: 'GET', url: '/api/v1/cases/nope/attachments', headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect([bad.statusCode, pointers(bad)]).toEqual([400, ['params/id']]);
  });

  it('PATCH: 409 at the wrong offset (with the right one), 415 for another content type, 400 without Upload-Offset, 404 for an unknown or another user\'s upload', async () => {
    const t = tus(f.app, f.tokens.officer);
    const c = await t.create(f.caseId, 100);
    const url = c.headers.location as string;
    expect((await t.patch(url, 0, bytes(40))).statusCode).toBe(204);
    const wrong = await t.patch(url, 10, bytes(10));
    expect([wrong.statusCode, wrong.json().type, wrong.json().upload_offset]).toEqual([409, 'urn:accord:problem:upload-offset-mismatch', 40]);
    const type = await t.patch(url, 40, bytes(10), { 'content-type': 'application/octet-stream' });
    expect(type.statusCode).toBe(415);
    const noOffset = await f.app.inject({ method: 'PATCH', url, headers: { authorization: `Bearer ${f.tokens.officer}`, 'tus-resumable': '1.0.0', 'content-type': 'application/offset+octet-stream' }, payload: bytes(5) });
    expect([noOffset.statusCode, pointers(noOffset)]).toEqual([400, ['headers/upload-offset']]);
    const unknown = await t.patch(`${base()}/${UNKNOWN}`, 0, bytes(5));
    expect(unknown.statusCode).toBe(404);
    expect((await t.head(`${base()}/${UNKNOWN}`)).statusCode).toBe(404);
    const other = tus(f.app, f.tokens.coordinator);
    expect((await other.patch(url, 40, bytes(5))).statusCode).toBe(404);
    expect((await other.head(url)).statusCode).toBe(404);
    // More bytes than Upload-Length: the excess is refused, what fits is kept.
    const over = await t.patch(url, 40, bytes(70));
    expect([over.statusCode, over.json().type]).toEqual([413, 'urn:accord:problem:upload-too-long']);
    expect((await t.head(url)).headers['upload-offset']).toBe('100');
    const done = await t.patch(url, 100, Buffer.alloc(0));
    expect([done.statusCode, typeof done.headers['accord-attachment-id']]).toEqual([204, 'string']);
    expect((await t.head(url)).statusCode).toBe(404);
  });

  it('bounds the uploads one user has in progress (429), and a cancelled upload frees its place', async () => {
    const t = tus(f.app, f.tokens.coordinator);
    const urls: string[] = [];
    for (let i = 0; i < 3; i++) urls.push((await t.create(f.caseId, 10)).headers.location as string);
    const fourth = await t.create(f.caseId, 10);
    expect([fourth.statusCode, fourth.json().type]).toEqual([429, 'urn:accord:problem:too-many-uploads']);
    const del = await f.app.inject({ method: 'DELETE', url: urls[0]!, headers: { authorization: `Bearer ${f.tokens.coordinator}`, 'tus-resumable': '1.0.0' } });
    expect(del.statusCode).toBe(204);
    expect((await t.create(f.caseId, 10)).statusCode).toBe(201);
  });

  it('auditors are refused the content unless the node allows it; an unknown attachment is 404', async () => {
    const { attachmentId } = await tus(f.app, f.tokens.admin).upload(f.caseId, bytes(1000), 1000);
    const url = `/api/v1/cases/${f.caseId}/attachments/${attachmentId}/content`;
    const r = await f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.tokens.auditor}` } });
    expect([r.statusCode, r.json().type]).toEqual([403, 'urn:accord:problem:forbidden']);
    f.node.ctx.settings.evidenceAuditorsDownload = true;
    try {
      expect((await f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.tokens.auditor}` } })).statusCode).toBe(200);
    } finally {
      f.node.ctx.settings.evidenceAuditorsDownload = false;
    }
    const none = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${f.caseId}/attachments/${UNKNOWN}`, headers: { authorization: `Bearer ${f.tokens.auditor}` } });
    expect(none.statusCode).toBe(404);
  });

  it('a PATCH lock held by a running process answers 409; one left by a process that no longer runs is taken over', async () => {
    const t = tus(f.app, f.tokens.officer);
    const url = (await t.create(f.caseId, 10)).headers.location as string;
    const id = url.split('/').pop()!;
    writeFileSync(lockPath(f.node.dataDir, id), `${HOST}:${process.pid}`);
    expect((await t.patch(url, 0, bytes(5))).statusCode).toBe(409);
    writeFileSync(lockPath(f.node.dataDir, id), `${HOST}:${spawnSync('true').pid}`);
    const r = await t.patch(url, 0, bytes(5));
    expect([r.statusCode, r.headers['upload-offset']]).toEqual([204, '5']);
  });
});
