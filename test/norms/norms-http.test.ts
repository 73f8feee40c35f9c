import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { storeVersion } from '../../src/norms/norms.repository.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { inboxFixture, type InboxFixture } from '../federation/_inbox.js';
import { apiAs, buildReportContent, buildReportVersion, type Api } from './_norms.js';

type Receipt = { items: { id: string; status: string; reason?: string; detail?: string }[] };

describe.each(DIALECTS)('norms over HTTP on %s', (dialect) => {
  let fx: InboxFixture;
  let author: Api, reviewer: Api, third: Api, officer: Api;
  let authorId = '';
  let thirdId = '';

  const reportEnvelope = (body: unknown, over: Partial<Envelope> = {}) =>
    signEnvelope(fx.peer, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'norms.report/v1', issued_at: new Date().toISOString(), body, ...over } as Envelope);
  const commentEnvelope = (body: unknown) => signEnvelope(fx.peer, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'norms.comment/v1', issued_at: new Date().toISOString(), body } as Envelope);
  const send = async (envs: Envelope[]) => (await fx.post(fx.batch(envs))).json as unknown as Receipt;

  beforeAll(async () => {
    fx = await inboxFixture(dialect);
    const a = await buildUser(fx.node.ctx, 'coordinator');
    authorId = a.user.id;
    author = apiAs(fx.app, a.token);
    reviewer = apiAs(fx.app, (await buildUser(fx.node.ctx, 'admin')).token);
    const t = await buildUser(fx.node.ctx, 'coordinator');
    thirdId = t.user.id;
    third = apiAs(fx.app, t.token);
    officer = apiAs(fx.app, (await buildUser(fx.node.ctx, 'officer')).token);
  }, 60_000);
  afterAll(() => fx?.close());

  it('serves the catalogue: eleven norms with their 73/27 items and the flagged CBMs', async () => {
    const r = await officer('GET', '/api/v1/norms/catalogue');
    expect(r.status).toBe(200);
    expect(r.json.norms).toHaveLength(11);
    expect(r.json.norms[8]).toMatchObject({ id: 'i', res_73_27: ['1.9', '1.10'], letter_confirmed: false });
    expect(r.json.cbms.find((c: { id: string }) => c.id === 'global-cbm-list')).toMatchObject({ confirmed: false });
  });

  it('takes a draft through edit, review by a second user and approval; the author cannot approve it', async () => {
    const created = await author('POST', '/api/v1/norms/drafts', buildReportContent());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'draft', created_by: authorId });
    expect(created.json.content.norms.map((n: { norm: string }) => n.norm)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']);
    const id = created.json.id as string;
    expect((await author('PUT', `/api/v1/norms/drafts/${id}`, buildReportContent({ summary: 'Edited' }))).json.content.summary).toBe('Edited');
    expect((await author('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'approve' })).status).toBe(409); // not in review yet
    expect((await author('POST', `/api/v1/norms/drafts/${id}/submit`)).json.state).toBe('in_review');
    expect((await author('PUT', `/api/v1/norms/drafts/${id}`, buildReportContent())).status).toBe(409); // frozen while in review
    const self = await author('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'approve' });
    expect(self.status).toBe(403);
    expect(self.json.type).toBe('urn:accord:problem:norms-self-review');
    const returned = await reviewer('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'return', note: 'Add links for (g)' });
    expect(returned.json).toMatchObject({ state: 'returned', review_note: 'Add links for (g)' });
    // The reviewer who edits becomes an editor, and may then not approve it either.
    await reviewer('PUT', `/api/v1/norms/drafts/${id}`, buildReportContent());
    await reviewer('POST', `/api/v1/norms/drafts/${id}/submit`);
    expect((await reviewer('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'approve' })).status).toBe(403);
    // Nor may its first author; a third user approves.
    expect((await author('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'approve' })).status).toBe(403);
    const approved = await third('POST', `/api/v1/norms/drafts/${id}/review`, { decision: 'approve' });
    expect(approved.json).toMatchObject({ state: 'approved', reviewed_by: thirdId });
    // Publishing to a group this node is not a member of is refused field by field.
    const pub = await author('POST', `/api/v1/norms/drafts/${id}/publish`, { groups: ['no-such-group'] });
    expect(pub.status).toBe(400);
    expect(pub.json.errors).toEqual([expect.objectContaining({ pointer: '/groups/0', code: 'not_a_member' })]);
    expect((await officer('GET', `/api/v1/norms/drafts/${id}`)).json.state).toBe('approved');
  });

  it('refuses bad input with problem+json and field errors', async () => {
    const dup = await author('POST', '/api/v1/norms/drafts', buildReportContent({ norms: [buildReportContent().norms[0]!, buildReportContent().norms[0]!] }));
    expect(dup.status).toBe(400);
    expect(dup.json.errors).toEqual([expect.objectContaining({ pointer: '/norms/1/norm', code: 'duplicate' })]);
    const bad = await author('POST', '/api/v1/norms/drafts', { ...buildReportContent(), norms: [{ ...buildReportContent().norms[0]!, status: 'done', links: [{ url: 'javascript:alert(1)' }] }] });
    expect(bad.status).toBe(400);
    expect(bad.json.type).toBe('urn:accord:problem:invalid-input');
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/norms/0/status']));
    const long = await author('POST', '/api/v1/norms/drafts', buildReportContent({ summary: 'x'.repeat(5000) }));
    expect(long.json.errors).toEqual([expect.objectContaining({ pointer: '/summary', code: 'too_long' })]);
    expect((await author('GET', '/api/v1/norms/drafts/not-a-uuid')).status).toBe(400);
    expect((await author('GET', '/api/v1/norms/reports/uz-cert/diff?from=1')).status).toBe(400);
    expect((await author('GET', '/api/v1/norms/by-norm/z')).status).toBe(400);
  });

  it('stores a signed report from a peer once; a duplicate, a replay and a re-send change nothing', async () => {
    const v1 = buildReportVersion();
    const env = reportEnvelope(v1);
    expect((await send([env])).items.map((i) => i.status)).toEqual(['accepted']);
    // The same envelope again (replay) and the same version in a new envelope (re-send to a new member).
    const again = await send([env]);
    expect(again.items[0]!.status).not.toBe('rejected');
    expect((await send([reportEnvelope(v1)])).items.map((i) => i.status)).toEqual(['accepted']);
    const versions = await officer('GET', '/api/v1/norms/reports/uz-cert/versions');
    expect(versions.json).toHaveLength(1);
    const got = await officer('GET', '/api/v1/norms/reports/uz-cert/versions/1');
    expect(got.json).toMatchObject({ own: false, signed_by: fx.peer.fingerprint, report: { version: 1, country: 'UZ' } });
  });

  it('refuses a tampered report, one about another node, and a different body under a version held', async () => {
    const tampered = reportEnvelope(buildReportVersion({ version: 2 }));
    (tampered.body as { summary: string }).summary = 'changed after signing';
    const r1 = await send([tampered]);
    expect(r1.items[0]!.status).toBe('rejected');
    const other = await send([reportEnvelope(buildReportVersion({ node_id: 'kz-cert', country: 'KZ', version: 5 }))]);
    expect(other.items[0]).toMatchObject({ status: 'rejected' });
    const conflicting = await send([reportEnvelope(buildReportVersion({ summary: 'a different version 1' }))]);
    expect(conflicting.items[0]).toMatchObject({ status: 'rejected' });
    expect((await officer('GET', '/api/v1/norms/reports/uz-cert/versions/1')).json.report.summary).toBe(buildReportVersion().summary);
    expect((await officer('GET', '/api/v1/norms/reports/uz-cert/versions/2')).status).toBe(404);
    expect((await officer('GET', '/api/v1/norms/reports/kz-cert/versions')).status).toBe(404);
  });

  it('compares: matrix, by norm, versions over time and the diff of two versions', async () => {
    const v2 = buildReportVersion({ version: 2, norms: buildReportVersion().norms.map((e) => (e.norm === 'g' ? { ...e, status: 'implemented', links: [{ url: 'https://lex.example/g' }] } : e)) });
    expect((await send([reportEnvelope(v2)])).items[0]!.status).toBe('accepted');
    const m = await officer('GET', '/api/v1/norms/matrix');
    expect(m.json.rows).toEqual([expect.objectContaining({ node_id: 'uz-cert', version: 2 })]);
    expect(m.json.rows[0].statuses[2]).toBe('implemented');
    expect(m.json.rows[0].statuses[6]).toBe('implemented');
    expect(m.json.totals.g).toEqual({ not_started: 0, in_progress: 0, implemented: 1 });
    const g = await officer('GET', '/api/v1/norms/by-norm/g');
    expect(g.json).toEqual([expect.objectContaining({ node_id: 'uz-cert', version: 2, entry: expect.objectContaining({ norm: 'g', status: 'implemented' }) })]);
    expect((await officer('GET', '/api/v1/norms/reports/uz-cert/versions')).json.map((v: { version: number; statuses: { g: string } }) => [v.version, v.statuses.g])).toEqual([
      [1, 'in_progress'],
      [2, 'implemented'],
    ]);
    const d = await officer('GET', '/api/v1/norms/reports/uz-cert/diff?from=1&to=2');
    expect(d.json.norms).toEqual([{ norm: 'g', changed: ['status', 'links'], status: { from: 'in_progress', to: 'implemented' }, links_added: ['https://lex.example/g'], links_removed: [] }]);
    expect((await officer('GET', '/api/v1/norms/reports/uz-cert/diff?from=2&to=2')).status).toBe(400);
    // An older version that arrives late does not replace the latest.
    expect((await send([reportEnvelope(buildReportVersion({ version: 4 })), reportEnvelope(buildReportVersion({ version: 3 }))])).items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    expect((await officer('GET', '/api/v1/norms/matrix')).json.rows[0].version).toBe(4);
    expect((await officer('GET', '/api/v1/norms/reports/uz-cert/versions')).json.map((v: { version: number }) => v.version)).toEqual([1, 2, 3, 4]);
  });

  it("sends a comment on a peer's report to its author, and keeps a peer's comment on ours", async () => {
    const sent = await author('POST', '/api/v1/norms/reports/uz-cert/versions/2/comments', { norm: 'g', text: 'Which decree?' });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ direction: 'out', report_node: 'uz-cert', version: 2, norm: 'g' });
    const outbox = await fx.node.ctx.store.db.selectFrom('outbox').select(['type', 'peer_id']).where('type', '=', 'norms.comment/v1').execute();
    expect(outbox).toEqual([{ type: 'norms.comment/v1', peer_id: 'uz-cert' }]);
    expect((await author('POST', '/api/v1/norms/reports/uz-cert/versions/9/comments', { text: 'x' })).status).toBe(404);
    expect((await author('POST', '/api/v1/norms/reports/kz-cert/versions/1/comments', { text: 'x' })).status).toBe(400);

    // A comment on our own report: kz-cert's version 1 (stored as its own, as publishing does).
    await storeVersion(fx.node.ctx.store.db, buildReportVersion({ node_id: 'kz-cert', country: 'UZ' }), { envelope: null, isOwn: true });
    const body = { comment_id: newMessageId(), report_node: 'kz-cert', version: 1, norm: null, author_name: 'UZ coordinator', text: 'Well done', created_at: new Date().toISOString() };
    const env = commentEnvelope(body);
    expect((await send([env, commentEnvelope(body)])).items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    expect((await send([commentEnvelope({ ...body, comment_id: newMessageId(), version: 7 })])).items[0]!.status).toBe('rejected');
    const shown = await officer('GET', '/api/v1/norms/reports/kz-cert/versions/1/comments');
    expect(shown.json).toEqual([expect.objectContaining({ direction: 'in', author_node: 'uz-cert', author_name: 'UZ coordinator', text: 'Well done' })]);
    expect((await officer('GET', '/api/v1/norms/comments')).json).toHaveLength(2);
    const desk = await author('GET', '/api/v1/desk');
    expect(desk.json.items.map((i: { kind: string }) => i.kind)).toContain('norms.comment_received');
  });

  it('lets only admins and coordinators write', async () => {
    expect((await officer('POST', '/api/v1/norms/drafts', buildReportContent())).status).toBe(403);
    expect((await officer('GET', '/api/v1/norms/drafts')).status).toBe(200);
  });
});
