import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, SessionClient, type TestNode } from '../_util/node.js';

/** Every route that takes a body, with a field of the wrong type for each. */
const BODY_ROUTES: { method: 'POST' | 'PATCH' | 'PUT'; url: string; wrongTypes: object; session?: boolean }[] = [
  { method: 'POST', url: '/api/v1/auth/sign-in', wrongTypes: { email: 42, password: ['x'] } },
  { method: 'POST', url: '/api/v1/auth/second-factor', wrongTypes: { code: 123456 }, session: true },
  { method: 'POST', url: '/api/v1/auth/password', wrongTypes: { current_password: true, new_password: null }, session: true },
  { method: 'POST', url: '/api/v1/auth/totp/enrolment/confirm', wrongTypes: { code: 'abcdef' }, session: true },
  { method: 'POST', url: '/api/v1/users', wrongTypes: { email: 'a@b.c', display_name: 'X', role: 'emperor' } },
  { method: 'PATCH', url: '/api/v1/users/:id', wrongTypes: { disabled: 'yes' } },
  { method: 'POST', url: '/api/v1/users/:id/reset', wrongTypes: { reset_totp: 'true' } },
  { method: 'POST', url: '/api/v1/tokens', wrongTypes: { name: 'x', expires_in_days: '30' } },
  { method: 'POST', url: '/api/v1/groups', wrongTypes: { name: 'G', level: 'planetary', agreement: 'SCO', members: 'kz-cert' } },
  { method: 'POST', url: '/api/v1/groups/01900000-0000-7000-8000-000000000000/proposals', wrongTypes: { kind: 'add_member', node: 42 } },
  { method: 'POST', url: '/api/v1/groups/01900000-0000-7000-8000-000000000000/proposals/01900000-0000-7000-8000-000000000001/refuse', wrongTypes: { reason: 7 } },
  { method: 'PUT', url: '/api/v1/notifications/preferences', wrongTypes: { kinds: { 'ping_test.request': 'pigeon' }, webhook_url: 42 } },
  { method: 'POST', url: '/api/v1/ping-schedules', wrongTypes: { node_id: 42, interval_days: '91', first_run_at: 'soon' } },
  { method: 'POST', url: '/api/v1/notices/01900000-0000-7000-8000-000000000000/reply', wrongTypes: { subject: 7, text: ['x'] } },
];

describe.each(DIALECTS)('bad input gets a 4xx problem on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let adminToken = '';
  let session: SessionClient;
  let userId = '';

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false, loginRatePerMinute: 10_000, bodyLimitBytes: 16 * 1024 });
    app = await buildTestApp(node.ctx);
    const admin = await buildUser(node.ctx, 'admin');
    adminToken = admin.token;
    session = new SessionClient(app);
    await session.signIn(admin.email, admin.password);
    userId = (await buildUser(node.ctx, 'analyst')).user.id;
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  async function send(r: (typeof BODY_ROUTES)[number], payload: string, contentType = 'application/json') {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (r.session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    else if (!r.url.includes('sign-in')) headers.authorization = `Bearer ${adminToken}`;
    return app.inject({ method: r.method, url: r.url.replace(':id', userId), headers, payload });
  }

  function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number) {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const p = res.json();
    expect(p).toMatchObject({ status, type: expect.stringMatching(/^urn:accord:problem:/), title: expect.any(String) });
    expect(JSON.stringify(p)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
  }

  for (const r of BODY_ROUTES) {
    describe(`${r.method} ${r.url}`, () => {
      it('refuses malformed JSON with 400', async () => expectProblem(await send(r, '{"email": "x",'), 400));
      it('refuses wrong types with 400 naming the field', async () => {
        const res = await send(r, JSON.stringify(r.wrongTypes));
        expectProblem(res, 400);
        expect(res.json().errors?.length ?? 0).toBeGreaterThan(0);
      });
      it('refuses unknown fields with 400', async () => expectProblem(await send(r, JSON.stringify({ ...r.wrongTypes, is_admin: true })), 400));
      it('refuses a body over the limit with 413', async () => expectProblem(await send(r, JSON.stringify({ pad: 'x'.repeat(20 * 1024) })), 413));
      it('refuses a non-JSON content type with 415', async () => expectProblem(await send(r, 'email=x', 'application/x-www-form-urlencoded'), 415));
      it('refuses a JSON array or scalar with 400', async () => expectProblem(await send(r, '[1,2]'), 400));
    });
  }

  it('refuses bad query strings and bad paths with 400', async () => {
    const h = { authorization: `Bearer ${adminToken}` };
    const cases: [string, number][] = [
      ['/api/v1/audit?limit=abc', 400],
      ['/api/v1/audit?limit=100000', 400],
      ['/api/v1/audit?before=-1', 400],
      ['/api/v1/audit?sort=desc', 400],
      [`/api/v1/users/${'x'.repeat(200)}`, 400],
      ['/api/v1/users/%E0%A4%A', 400],
      ['/api/v1/ping-tests/history?bucket=week', 400],
      ['/api/v1/ping-tests/history?bucket=month&node=kz-cert', 400],
      ['/api/v1/ping-tests/export', 400],
      ['/api/v1/ping-tests/export?format=xlsx', 400],
      ['/api/v1/notices?direction=sideways', 400],
      ['/api/v1/notices?state=read', 400],
      ['/api/v1/notices?limit=0', 400],
      ['/api/v1/notices?limit=100000', 400],
      ['/api/v1/notices?cursor=not-a-cursor', 400],
      [`/api/v1/notices/${'x'.repeat(200)}`, 400],
    ];
    for (const [url, status] of cases) {
      const res = await app.inject({ method: 'GET', url, headers: h });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers unknown users and routes with a 404 problem, not a 500', async () => {
    const h = { authorization: `Bearer ${adminToken}` };
    expect((await app.inject({ method: 'GET', url: '/api/v1/users/00000000-0000-0000-0000-000000000000', headers: h })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: h })).json()).toMatchObject({ status: 404 });
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/ping-schedules/00000000-0000-0000-0000-000000000000', headers: h })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/notices/00000000-0000-0000-0000-000000000000', headers: h })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/notices/00000000-0000-0000-0000-000000000000/ack', headers: h })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
  });

  it('refuses domain-invalid values with a 400 that says why, and writes nothing', async () => {
    const h = { authorization: `Bearer ${adminToken}` };
    const before = await node.ctx.store.db.selectFrom('users').select('id').execute();
    const bad = await app.inject({ method: 'POST', url: '/api/v1/users', headers: h, payload: { email: 'not-an-email', display_name: 'X', role: 'analyst' } });
    expect(bad.json()).toMatchObject({ status: 400, detail: 'email must be an e-mail address' });
    const weak = await app.inject({ method: 'POST', url: '/api/v1/users', headers: h, payload: { email: 'ok@example.org', display_name: 'X', role: 'analyst', password: 'short' } });
    expect(weak.json().detail).toMatch(/at least 12 characters/);
    expect(await node.ctx.store.db.selectFrom('users').select('id').execute()).toHaveLength(before.length);
    const dup = await app.inject({ method: 'POST', url: '/api/v1/users', headers: h, payload: { email: node.adminEmail.toUpperCase(), display_name: 'X', role: 'analyst' } });
    expect(dup.json()).toMatchObject({ status: 409 });
  });
});
