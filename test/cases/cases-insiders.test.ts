import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { makeIdentity } from '../federation/_inbox.js';
import { pinPeer, PRESERVATION } from './_cases.js';

/**
 * Users of one node working a case at the same moment, and a user whose role changed under an
 * open token: what the node signs and sends must follow from the case as it stands when the
 * action is taken, and from the user's role as it is now.
 */
describe.each(DIALECTS)('cases under parallel and demoted users (%s)', (dialect) => {
  let node: TestNode, app: FastifyInstance, admin: string;
  const peer = 'kz-cert';

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
  const call = async (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
  const openCase = async (token: string): Promise<string> => {
    const d = await call(token, 'POST', '/api/v1/cases/drafts', { requested: peer, content: PRESERVATION });
    const sent = await call(token, 'POST', `/api/v1/cases/drafts/${d.json.id}/send`);
    expect(sent.status, JSON.stringify(sent.json)).toBe(201);
    return sent.json.id as string;
  };

  beforeAll(async () => {
    node = await createTestNode(dialect, {}, 'uz-cert');
    app = await buildTestApp(node.ctx);
    await pinPeer(node.ctx.store.db, makeIdentity(peer));
    admin = (await buildUser(node.ctx, 'admin')).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it('six officers withdrawing one request at once: one withdrawal is signed and sent, the others are told it is withdrawn already', async () => {
    const officers = await Promise.all(Array.from({ length: 6 }, () => buildUser(node.ctx, 'officer')));
    const caseId = await openCase(officers[0]!.token);
    const answers = await Promise.all(officers.map((o, i) => call(o.token, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'withdraw', reasons: `Withdrawn by officer ${i}.` })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const c = (await call(admin, 'GET', `/api/v1/cases/${caseId}`)).json;
    expect(c.status).toBe('withdrawn');
    // Nothing the rules would not count was signed: one withdrawal in the log, none ignored.
    expect(c.history.filter((h: { action: string }) => h.action === 'withdraw')).toHaveLength(1);
    expect(c.history.filter((h: { counted: boolean }) => !h.counted)).toEqual([]);
    const queued = await node.ctx.store.db.selectFrom('outbox').select('id').where('peer_id', '=', peer).where('type', '=', 'cases.event/v1').execute();
    expect(queued).toHaveLength(2); // the opening and one withdrawal
  });

  it('messages sent at once by several users are all kept, each naming what its author had seen', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => buildUser(node.ctx, 'officer')));
    const caseId = await openCase(users[0]!.token);
    const answers = await Promise.all(users.map((u, i) => call(u.token, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'message', text: `Note ${i}` })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const c = (await call(admin, 'GET', `/api/v1/cases/${caseId}`)).json;
    expect(c.history.filter((h: { action: string; counted: boolean }) => h.action === 'message' && h.counted)).toHaveLength(5);
    expect(c.history).toHaveLength(6);
  });

  it("an officer's token stops acting on cases the moment the officer becomes an auditor, and reads still work", async () => {
    const officer = await buildUser(node.ctx, 'officer');
    const caseId = await openCase(officer.token);
    expect((await call(admin, 'PATCH', `/api/v1/users/${officer.user.id}`, { role: 'auditor' })).status).toBe(200);
    const act = await call(officer.token, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'message', text: 'Still here?' });
    expect(act.status).toBe(403);
    const draft = await call(officer.token, 'POST', '/api/v1/cases/drafts', { requested: peer, content: PRESERVATION });
    expect(draft.status).toBe(403);
    expect((await call(officer.token, 'GET', `/api/v1/cases/${caseId}`)).status).toBe(200);
    expect((await call(admin, 'GET', `/api/v1/cases/${caseId}`)).json.history).toHaveLength(1);
  });

  it('a disabled user can do nothing with the token it had', async () => {
    const officer = await buildUser(node.ctx, 'officer');
    const caseId = await openCase(officer.token);
    expect((await call(admin, 'PATCH', `/api/v1/users/${officer.user.id}`, { disabled: true })).status).toBe(200);
    expect((await call(officer.token, 'GET', `/api/v1/cases/${caseId}`)).status).toBe(401);
    expect((await call(officer.token, 'POST', `/api/v1/cases/${caseId}/actions`, { action: 'withdraw' })).status).toBe(401);
  });
});
