import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContent } from '../../src/cases/cases.schemas.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { makeIdentity } from '../federation/_inbox.js';
import { pinPeer, PRESERVATION } from './_cases.js';

const UNKNOWN = '0190c2d4-0000-7000-8000-000000000000';

/**
 * Every cases route answers bad input with 400 and the field at fault, an action the rules do
 * not allow now with 409 and why, an unknown case with 404; with four-eyes on, a request goes
 * only after a second user approved it.
 */
describe.each(DIALECTS)('cases routes refuse what they cannot take (%s)', (dialect) => {
  let node: TestNode, app: FastifyInstance, author: string, second: string, officer: string;
  const peer = 'kz-cert';

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
  const call = async (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
  const draft = async (content: unknown, requested = peer) => call(author, 'POST', '/api/v1/cases/drafts', { requested, content });
  const pointers = (r: { json: { errors?: { pointer: string }[] } }) => (r.json.errors ?? []).map((e) => e.pointer).sort();

  beforeAll(async () => {
    node = await createTestNode(dialect, { casesFourEyes: true }, 'uz-cert');
    app = await buildTestApp(node.ctx);
    await pinPeer(node.ctx.store.db, makeIdentity(peer));
    author = (await buildUser(node.ctx, 'coordinator')).token;
    second = (await buildUser(node.ctx, 'coordinator')).token;
    officer = (await buildUser(node.ctx, 'officer')).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it('a draft that does not fit the schema: 400 naming the fields', async () => {
    const badType = await draft({ ...PRESERVATION, type: 'Not A Type!' });
    expect(badType.status).toBe(400);
    expect(pointers(badType)).toContain('/content/type');
    const { subject: _s, ...noSubject } = PRESERVATION;
    const missing = await draft(noSubject);
    expect(missing.status).toBe(400);
    expect(pointers(missing)).toContain('/content/subject');
    const badPriority = await draft({ ...PRESERVATION, priority: 'whenever' });
    expect(badPriority.status).toBe(400);
    expect(pointers(badPriority)).toContain('/content/priority');
    const badValue = await draft({ ...PRESERVATION, fields: { ...PRESERVATION.fields, facts_summary: 42 } });
    expect(badValue.status).toBe(400);
    expect(pointers(badValue).some((p) => p.startsWith('/content/fields/facts_summary'))).toBe(true);
    const notAPeer = await draft(PRESERVATION, 'tj-cert');
    expect(notAPeer.status).toBe(400);
    expect(pointers(notAPeer)).toEqual(['/requested']);
    const self = await draft(PRESERVATION, 'uz-cert');
    expect(self.status).toBe(400);
    expect(pointers(self)).toEqual(['/requested']);
    const badRequested = await draft(PRESERVATION, 'Not A Node');
    expect(badRequested.status).toBe(400);
    expect(pointers(badRequested)).toContain('/requested');
  });

  it('an incomplete draft is kept with its problems and refused on review and send (before four-eyes): 400 with /content pointers', async () => {
    const { facts_summary: _f, necessity: _n, ...fields } = PRESERVATION.fields;
    const content: RequestContent = { ...PRESERVATION, fields: { ...fields, colour_of_server: 'blue', offences: ['un-cybercrime-7', 'no-such-offence'] }, legal_basis: { instrument: 'budapest', article: 16 } };
    const d = await draft(content);
    expect(d.status).toBe(201);
    expect(d.json.problems.map((p: { pointer: string; code: string }) => `${p.pointer} ${p.code}`).sort()).toEqual(
      ['/fields/colour_of_server unknown', '/fields/facts_summary missing', '/fields/necessity missing', '/fields/offences unknown', '/legal_basis not_allowed'].sort(),
    );
    for (const step of ['review', 'send']) {
      const r = await call(author, 'POST', `/api/v1/cases/drafts/${d.json.id}/${step}`);
      expect(r.status, step).toBe(400);
      expect(pointers(r)).toEqual(['/content/fields/colour_of_server', '/content/fields/facts_summary', '/content/fields/necessity', '/content/fields/offences', '/content/legal_basis']);
      expect(r.json.errors.find((e: { pointer: string }) => e.pointer === '/content/fields/facts_summary')).toMatchObject({ code: 'missing' });
    }
    const unknownType = await draft({ ...PRESERVATION, type: 'teleportation' });
    expect(unknownType.status).toBe(201);
    const send = await call(author, 'POST', `/api/v1/cases/drafts/${unknownType.json.id}/send`);
    expect(send.status).toBe(400);
    expect(send.json.errors).toEqual([expect.objectContaining({ pointer: '/content/type', code: 'unknown' })]);
  });

  it('malformed ids: 400; unknown ids: 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/cases/not-a-case'],
      ['POST', '/api/v1/cases/not-a-case/actions'],
      ['GET', '/api/v1/cases/drafts/123'],
      ['PUT', '/api/v1/cases/drafts/123'],
      ['DELETE', '/api/v1/cases/drafts/123'],
      ['POST', '/api/v1/cases/drafts/123/review'],
      ['POST', '/api/v1/cases/drafts/123/approve'],
      ['POST', '/api/v1/cases/drafts/123/send'],
      ['GET', '/api/v1/cases/requested-side/Not%20A%20Node'],
    ] as const) {
      const r = await call(method === 'POST' && url.endsWith('approve') ? second : author, method, url, method === 'POST' && url.endsWith('actions') ? { action: 'message', text: 'x' } : method === 'PUT' ? { requested: peer, content: PRESERVATION } : undefined);
      expect(r.status, `${method} ${url}`).toBe(400);
    }
    for (const [method, url] of [
      ['GET', `/api/v1/cases/${UNKNOWN}`],
      ['POST', `/api/v1/cases/${UNKNOWN}/actions`],
      ['GET', `/api/v1/cases/drafts/${UNKNOWN}`],
      ['DELETE', `/api/v1/cases/drafts/${UNKNOWN}`],
      ['POST', `/api/v1/cases/drafts/${UNKNOWN}/send`],
    ] as const) {
      const r = await call(author, method, url, method === 'POST' && url.endsWith('actions') ? { action: 'message', text: 'x' } : undefined);
      expect(r.status, `${method} ${url}`).toBe(404);
    }
  });

  it('list filters that are not well formed: 400', async () => {
    for (const q of ['status=Sent!', 'peer=Not%20A%20Node', 'priority=whenever', 'limit=0', 'limit=501', 'sort=random', 'overdue=perhaps', 'after=%24%24%24']) {
      expect((await call(author, 'GET', `/api/v1/cases?${q}`)).status, q).toBe(400);
    }
    expect((await call(author, 'GET', '/api/v1/cases?status=sent,closed&overdue=true&limit=5')).status).toBe(200);
  });

  describe('four-eyes, then actions on the case', () => {
    let draftId: string, caseId: string;

    it('send is refused until a second user approves; the author cannot approve; a change withdraws the approval', async () => {
      const d = await draft(PRESERVATION);
      expect(d.json.problems).toEqual([]);
      draftId = d.json.id;
      const early = await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/send`);
      expect(early.status).toBe(409);
      expect(early.json.detail).toMatch(/four-eyes/);
      expect((await call(second, 'POST', `/api/v1/cases/drafts/${draftId}/approve`)).status).toBe(409); // not under review yet
      expect((await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/review`)).json.status).toBe('in_review');
      const own = await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/approve`);
      expect(own.status).toBe(403);
      expect(own.json.detail).toMatch(/second user/);
      expect((await call(officer, 'POST', `/api/v1/cases/drafts/${draftId}/approve`)).status).toBe(403);
      expect((await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/send`)).status).toBe(409);
      const approved = await call(second, 'POST', `/api/v1/cases/drafts/${draftId}/approve`);
      expect(approved.json).toMatchObject({ status: 'approved', approved_by: expect.stringMatching(/^user:/) });
      // Changed after approval: the approval was for the old text.
      const changed = await call(author, 'PUT', `/api/v1/cases/drafts/${draftId}`, { requested: peer, content: { ...PRESERVATION, subject: 'Ransomware C2 server logs (corrected)' } });
      expect(changed.json).toMatchObject({ status: 'draft', approved_by: null });
      expect((await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/send`)).status).toBe(409);
      await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/review`);
      await call(second, 'POST', `/api/v1/cases/drafts/${draftId}/approve`);
      const sent = await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/send`);
      expect(sent.status, JSON.stringify(sent.json)).toBe(201);
      caseId = sent.json.id;
      expect(sent.json).toMatchObject({ status: 'sent', my_party: 'requesting', request: { subject: 'Ransomware C2 server logs (corrected)' } });
      const again = await call(author, 'POST', `/api/v1/cases/drafts/${draftId}/send`);
      expect(again.status).toBe(409);
      expect((await call(author, 'DELETE', `/api/v1/cases/drafts/${draftId}`)).status).toBe(409);
    });

    it('an action the rules do not allow now: 409 with the reason, nothing signed', async () => {
      const before = (await call(author, 'GET', `/api/v1/cases/${caseId}`)).json.history.length;
      for (const [body, reason] of [
        [{ action: 'acknowledge' }, 'acknowledge is for the requested party'],
        [{ action: 'preserve', until: '2030-01-01' }, 'preserve is for the requested party'],
        [{ action: 'extend', days: 30 }, 'nothing is preserved yet'],
        [{ action: 'refuse', grounds: ['42(7)'], reasons: 'No.' }, 'refuse is for the requested party'],
        [{ action: 'accept_conditions' }, 'accept_conditions is not a step of preservation-stored-data'],
      ] as const) {
        const r = await call(author, 'POST', `/api/v1/cases/${caseId}/actions`, body);
        expect(r.status, body.action).toBe(409);
        expect(r.json.detail).toBe(reason);
      }
      expect((await call(author, 'GET', `/api/v1/cases/${caseId}`)).json.history).toHaveLength(before);
    });

    it('an action body that does not fit its schema: 400', async () => {
      for (const body of [{ action: 'fly' }, { action: 'extend' }, { action: 'extend', days: 0 }, { action: 'message' }, { action: 'message', text: '' }, { action: 'withdraw', reasons: 'x', extra: 1 }, { action: 'open', requested: peer, request: PRESERVATION }]) {
        expect((await call(author, 'POST', `/api/v1/cases/${caseId}/actions`, body)).status, JSON.stringify(body)).toBe(400);
      }
      const ok = await call(author, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'withdraw', reasons: 'Sent to the wrong node.' });
      expect(ok.json.status).toBe('withdrawn');
      const late = await call(author, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'close' });
      expect(late.status).toBe(409);
      expect(late.json.detail).toBe('the case is withdrawn');
    });
  });
});
