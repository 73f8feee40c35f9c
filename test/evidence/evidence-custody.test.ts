import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { checkCustodyLog } from '../../src/evidence/custody.service.js';
import { attachmentsOf, custodyLog, recordCustody } from '../../src/evidence/evidence.service.js';
import { storedPath } from '../../src/evidence/storage/file-store.js';
import { DIALECTS } from '../_util/db.js';
import { bytes, evidenceFixture, tus, type EvidenceFixture } from './_evidence.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every action on an attachment is a signed custody entry, chained per case; retention deletes content, never the record. */
describe.each(DIALECTS)('evidence custody and retention (%s)', (dialect) => {
  let f: EvidenceFixture;
  beforeAll(async () => {
    f = await evidenceFixture(dialect);
  });
  afterAll(() => f?.close());

  const call = (role: keyof EvidenceFixture['tokens'], method: 'GET' | 'POST' | 'DELETE', url: string) => f.app.inject({ method, url, headers: { authorization: `Bearer ${f.tokens[role]}` } });

  it('records upload, view, download, hold, release and delete with who, from where and which hash; signed and chained', async () => {
    const c = await f.openCase();
    const data = bytes(5000, 31);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(c.caseId, data, 2000);
    const a = `/api/v1/cases/${c.caseId}/attachments/${attachmentId}`;
    expect((await call('analyst', 'GET', a)).statusCode).toBe(200);
    expect((await call('officer', 'GET', `${a}/content`)).statusCode).toBe(200);
    expect((await call('coordinator', 'POST', `${a}/hold`)).json().hold).toBe(true);
    // Not while the case runs, not while on hold.
    const open = await call('admin', 'DELETE', a);
    expect([open.statusCode, open.json().type]).toEqual([409, 'urn:accord:problem:conflict']);
    await c.withdraw();
    const held = await call('admin', 'DELETE', a);
    expect(held.statusCode).toBe(409);
    expect(held.json().detail).toContain('hold');
    expect((await call('coordinator', 'POST', `${a}/release`)).json().hold).toBe(false);
    const del = await call('admin', 'DELETE', a);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ sha256: sha(data), deleted_at: expect.any(String) });
    expect(existsSync(storedPath(f.node.dataDir, sha(data)))).toBe(false);
    expect((await call('officer', 'GET', `${a}/content`)).statusCode).toBe(410);

    const log = (await call('auditor', 'GET', `/api/v1/cases/${c.caseId}/custody`)).json().entries;
    expect(log.map((e: { body: { action: string } }) => e.body.action)).toEqual(['upload', 'view', 'download', 'hold', 'release', 'delete']);
    for (const e of log) {
      expect(e).toMatchObject({ type: 'evidence.custody/v1', from: 'uz-cert', to: ['uz-cert'], issued_at: e.body.at });
      expect(e.body).toMatchObject({ case_id: c.caseId, attachment_id: attachmentId, sha256: sha(data), from: '127.0.0.1' });
      expect(e.body.actor).toMatch(/^user:/);
    }
    expect(log[0].body.details).toEqual({ name: 'logs.txt', media_type: 'text/plain', size: 5000 });
    expect(log.map((e: { body: { seq: number } }) => e.body.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log[0].body.prev).toBeNull();
    expect(log[1].body.prev).toBe(sha(Buffer.from(canonicalJson(log[0]))));
    expect(checkCustodyLog(log, f.node.ctx.identity.publicKey)).toEqual([]);
    // The attachment's own view shows its entries; the row and the hash stay after deletion.
    const detail = (await call('auditor', 'GET', a)).json();
    expect(detail.attachment).toMatchObject({ sha256: sha(data), size: 5000 });
    expect(detail.custody.length).toBe(7);
    expect((await attachmentsOf(f.node.ctx.store.db, c.caseId)).map((x) => x.sha256)).toEqual([sha(data)]);
  });

  it('an altered, removed or reordered entry breaks the check, naming the entry', async () => {
    const log = await custodyLog(f.node.ctx.store.db, f.caseId);
    await tus(f.app, f.tokens.officer).upload(f.caseId, bytes(10, 32), 10);
    await tus(f.app, f.tokens.officer).upload(f.caseId, bytes(10, 33), 10);
    const full = await custodyLog(f.node.ctx.store.db, f.caseId);
    expect(full.length).toBe(log.length + 2);
    const altered = full.map((e, i) => (i === 0 ? { ...e, body: { ...e.body, sha256: '0'.repeat(64) } } : e));
    expect(checkCustodyLog(altered, f.node.ctx.identity.publicKey)).toContain('entry 1: the signature does not verify');
    const removed = [full[1]!];
    expect(checkCustodyLog(removed, f.node.ctx.identity.publicKey)).toEqual(['entry 1: seq 2 where 1 was expected', 'entry 1: prev does not name the entry before']);
  });

  it('deletes the stored file only when no other live attachment has the same content', async () => {
    const one = await f.openCase();
    const two = await f.openCase();
    const data = bytes(3000, 34);
    const a = await tus(f.app, f.tokens.officer).upload(one.caseId, data, 3000);
    const b = await tus(f.app, f.tokens.officer).upload(two.caseId, data, 3000);
    await one.withdraw();
    expect((await call('coordinator', 'DELETE', `/api/v1/cases/${one.caseId}/attachments/${a.attachmentId}`)).statusCode).toBe(200);
    expect(existsSync(storedPath(f.node.dataDir, sha(data)))).toBe(true);
    expect((await call('officer', 'GET', `/api/v1/cases/${two.caseId}/attachments/${b.attachmentId}/content`)).rawPayload.equals(data)).toBe(true);
    const last = (await custodyLog(f.node.ctx.store.db, one.caseId)).at(-1)!;
    expect(last.body).toMatchObject({ action: 'delete', details: { content_removed: false } });
  });

  it('concurrent appends to one case get distinct, gapless seq and one chain', async () => {
    const c = await f.openCase();
    const actions = Array.from({ length: 24 }, (_, i) => recordCustody(f.node.ctx, { caseId: c.caseId, attachmentId: `a-${i}`, sha256: 'f'.repeat(64), action: 'export', actor: 'user:x', from: null }));
    await Promise.all(actions);
    const log = await custodyLog(f.node.ctx.store.db, c.caseId);
    expect(log.map((e) => e.body.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(checkCustodyLog(log, f.node.ctx.identity.publicKey)).toEqual([]);
  });
});
