import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { memberBytes, membersOf } from './_bundle.js';
import { bytes, evidenceFixture, tus, type EvidenceFixture } from './_evidence.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
type Who = { id: string; token: string };

/**
 * A case's team restricts the case and its evidence (src/cases/team.rules.ts): an officer or
 * analyst outside the team of a case that has one gets 404 on an attachment's detail, its
 * content, uploads, the attachment list, the custody log and any bundle. A case with no team
 * keeps today's behaviour; an auditor verifies whatever the team and downloads only where the
 * node allows it.
 */
describe.each(DIALECTS)('evidence of a case with a team (%s)', (dialect) => {
  let f: EvidenceFixture;
  let inside: Who;
  let outside: Who;
  let analystIn: Who;
  let analystOut: Who;
  let author: Who;
  let caseId: string;
  let attachmentId: string;
  const data = bytes(3000, 77);

  const user = async (role: 'officer' | 'analyst'): Promise<Who> => {
    const u = await buildUser(f.node.ctx, role);
    return { id: u.user.id, token: u.token };
  };
  const get = (token: string, url: string) => f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const a = () => `/api/v1/cases/${caseId}/attachments/${attachmentId}`;
  const expect404 = (r: { statusCode: number; json(): { type: string } }, what: string) => expect([r.statusCode, r.json().type], what).toEqual([404, 'urn:accord:problem:not-found']);

  beforeAll(async () => {
    f = await evidenceFixture(dialect);
    [inside, outside, analystIn, analystOut, author] = [await user('officer'), await user('officer'), await user('analyst'), await user('analyst'), await user('officer')];
    caseId = (await f.openCase()).caseId;
    attachmentId = (await tus(f.app, inside.token).upload(caseId, data, 1000)).attachmentId;
    // The case's request was drafted here by `author` (the draft that became the case).
    const now = new Date().toISOString();
    await f.node.ctx.store.db
      .insertInto('case_drafts')
      .values({ id: '11111111-1111-4111-8111-111111111111', requested: 'kz-cert', content: '{}', status: 'sent', created_by: `user:${author.id}`, created_at: now, updated_at: now, review_requested_by: null, approved_by: null, case_id: caseId })
      .execute();
    const set = await f.app.inject({ method: 'PUT', url: `/api/v1/cases/${caseId}/team`, headers: { authorization: `Bearer ${f.tokens.coordinator}` }, payload: { user_ids: [inside.id, analystIn.id] } });
    expect(set.statusCode).toBe(200);
  });
  afterAll(() => f?.close());

  it('lets members, authors, admins and coordinators see the detail and download the content', async () => {
    for (const token of [inside.token, analystIn.token, author.token, f.tokens.admin, f.tokens.coordinator]) {
      expect((await get(token, a())).statusCode).toBe(200);
      const r = await get(token, `${a()}/content`);
      expect(r.statusCode).toBe(200);
      expect(sha(r.rawPayload)).toBe(sha(data));
    }
  });

  it('answers an outsider 404 on the detail and the content, as for an unknown attachment, and records no custody entry', async () => {
    const before = (await get(f.tokens.admin, `/api/v1/cases/${caseId}/custody`)).json().entries.length;
    for (const who of [outside, analystOut]) {
      expect404(await get(who.token, a()), 'detail');
      const content = await get(who.token, `${a()}/content`);
      expect404(content, 'content');
      expect(content.json().detail).toBe(`attachment ${attachmentId} does not exist`);
      expect(content.rawPayload.includes(data.subarray(0, 64))).toBe(false);
    }
    expect((await get(f.tokens.admin, `/api/v1/cases/${caseId}/custody`)).json().entries).toHaveLength(before);
  });

  it('answers an outsider 404 on the attachment list and the custody log; members read them', async () => {
    for (const who of [outside, analystOut]) {
      expect404(await get(who.token, `/api/v1/cases/${caseId}/attachments`), 'list');
      expect404(await get(who.token, `/api/v1/cases/${caseId}/custody`), 'custody');
    }
    const list = await get(analystIn.token, `/api/v1/cases/${caseId}/attachments`);
    expect(list.statusCode).toBe(200);
    expect(list.json().attachments).toEqual([expect.objectContaining({ id: attachmentId, sha256: sha(data) })]);
    expect((await get(author.token, `/api/v1/cases/${caseId}/custody`)).statusCode).toBe(200);
  });

  it('refuses an outsider an upload, at every tus step', async () => {
    const created = await tus(f.app, outside.token).create(caseId, 10);
    expect404(created, 'create');
    // An upload begun while the officer was on the team cannot go on once taken off it.
    const c = await tus(f.app, inside.token).create(caseId, 10);
    expect(c.statusCode).toBe(201);
    const url = c.headers.location as string;
    const off = await f.app.inject({ method: 'DELETE', url: `/api/v1/cases/${caseId}/team/${inside.id}`, headers: { authorization: `Bearer ${f.tokens.admin}` } });
    expect(off.statusCode).toBe(204);
    expect((await tus(f.app, inside.token).head(url)).statusCode, 'head (no body)').toBe(404);
    expect404(await tus(f.app, inside.token).patch(url, 0, Buffer.alloc(10, 1)), 'patch');
    const again = await f.app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/team`, headers: { authorization: `Bearer ${f.tokens.admin}` }, payload: { user_id: inside.id } });
    expect(again.statusCode).toBe(201);
    expect((await tus(f.app, inside.token).patch(url, 0, Buffer.alloc(10, 1))).statusCode).toBe(204);
    expect((await get(f.tokens.admin, `/api/v1/cases/${caseId}/attachments`)).json().attachments).toHaveLength(2);
  });

  it('answers an outsider 404 on any bundle; a member exports hashes only or with content', async () => {
    expect404(await get(outside.token, `/api/v1/cases/${caseId}/bundle`), 'bundle with content');
    expect404(await get(analystOut.token, `/api/v1/cases/${caseId}/bundle?hashes_only=true`), 'bundle of hashes');
    const hashes = await get(inside.token, `/api/v1/cases/${caseId}/bundle?hashes_only=true`);
    expect(hashes.statusCode).toBe(200);
    expect(JSON.parse(memberBytes(hashes.rawPayload, 'manifest.json').toString('utf8')).attachments_included).toBe(false);
    expect(membersOf(hashes.rawPayload).some((m) => m.path.startsWith('attachments/'))).toBe(false);
    const full = await get(analystIn.token, `/api/v1/cases/${caseId}/bundle`);
    expect(full.statusCode).toBe(200);
    expect(sha(memberBytes(full.rawPayload, `attachments/${sha(data)}`))).toBe(sha(data));
  });

  it('lets an auditor see the detail and verify whatever the team, but not download', async () => {
    expect((await get(f.tokens.auditor, a())).statusCode).toBe(200);
    const v = await get(f.tokens.auditor, `${a()}/verify`);
    expect([v.statusCode, v.json().ok]).toEqual([200, true]);
    const d = await get(f.tokens.auditor, `${a()}/content`);
    expect([d.statusCode, d.json().type]).toEqual([403, 'urn:accord:problem:forbidden']);
    expect((await get(f.tokens.auditor, `/api/v1/cases/${caseId}/bundle?hashes_only=true`)).statusCode).toBe(200);
  });

  it('keeps a case with no team open to every officer and analyst, as before teams', async () => {
    const open = (await f.openCase()).caseId;
    const id = (await tus(f.app, outside.token).upload(open, data, 3000)).attachmentId;
    for (const who of [outside, analystOut, inside]) {
      expect((await get(who.token, `/api/v1/cases/${open}/attachments/${id}`)).statusCode).toBe(200);
      expect((await get(who.token, `/api/v1/cases/${open}/attachments/${id}/content`)).statusCode).toBe(200);
      expect((await get(who.token, `/api/v1/cases/${open}/bundle`)).statusCode).toBe(200);
    }
  });
});

describe.each(DIALECTS)('an auditor where the node lets auditors download (%s)', (dialect) => {
  let f: EvidenceFixture;
  beforeAll(async () => {
    f = await evidenceFixture(dialect, { evidenceAuditorsDownload: true });
  });
  afterAll(() => f?.close());

  it('downloads the content of a case with a team it is not on', async () => {
    const { caseId } = await f.openCase();
    const data = bytes(500, 5);
    const { attachmentId } = await tus(f.app, f.tokens.officer).upload(caseId, data, 500);
    const officer = await buildUser(f.node.ctx, 'officer');
    const set = await f.app.inject({ method: 'PUT', url: `/api/v1/cases/${caseId}/team`, headers: { authorization: `Bearer ${f.tokens.admin}` }, payload: { user_ids: [officer.user.id] } });
    expect(set.statusCode).toBe(200);
    const r = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/attachments/${attachmentId}/content`, headers: { authorization: `Bearer ${f.tokens.auditor}` } });
    expect(r.statusCode).toBe(200);
    expect(sha(r.rawPayload)).toBe(sha(data));
    // The fixture's officer is now outside the team.
    const outsider = await f.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/attachments/${attachmentId}/content`, headers: { authorization: `Bearer ${f.tokens.officer}` } });
    expect(outsider.statusCode).toBe(404);
  });
});
