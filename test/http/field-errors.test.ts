import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { buildEntryInput } from '../directory/_entries.js';

/** Field errors end to end over HTTP: the pointer, the stable code and its parameters, from the schema and from services. */
describe.each(DIALECTS)('field errors in problem responses on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let auth: Record<string, string> = {};

  beforeAll(async () => {
    node = await createTestNode(dialect);
    app = await buildTestApp(node.ctx);
    auth = { authorization: `Bearer ${(await buildUser(node.ctx, 'admin')).token}` };
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  const send = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) => app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('names a too-long field of the schema with too_long and its limit, and an unknown field', async () => {
    const res = await send('PUT', '/api/v1/directory/own', { ...buildEntryInput({ authority_names: { en: 'x'.repeat(582) } }), extra: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const p = res.json();
    expect(p.errors).toEqual(expect.arrayContaining([
      { in: 'body', pointer: '/authority_names/en', code: 'too_long', limit: 200, message: expect.any(String) },
      expect.objectContaining({ pointer: '/extra', code: 'unknown_field' }),
    ]));
    expect(p.detail).not.toMatch(/^body\//);
  });

  it('refuses a time zone that is not an IANA name with invalid_time_zone, and publishes nothing', async () => {
    const res = await send('PUT', '/api/v1/directory/own', buildEntryInput({ time_zone: 'Tashkent' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/time_zone', code: 'invalid_time_zone' })]);
    expect((await send('GET', '/api/v1/directory/own')).json()).toBeNull();
    expect((await send('PUT', '/api/v1/directory/own', buildEntryInput({ time_zone: 'Asia/Tashkent' }))).statusCode).toBe(200);
  });

  it('lists the allowed values of an enum, and reports a service rule in the same shape', async () => {
    const role = await send('POST', '/api/v1/users', { email: 'a@example.org', display_name: 'A', role: 'emperor' });
    expect(role.json().errors).toEqual([expect.objectContaining({ pointer: '/role', code: 'enum', allowed: ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] })]);
    const email = await send('POST', '/api/v1/users', { email: 'not-an-email', display_name: 'A', role: 'analyst' });
    expect(email.statusCode).toBe(400);
    expect(email.json().errors).toEqual([expect.objectContaining({ in: 'body', pointer: '/email', code: 'format', format: 'email' })]);
    const url = await send('POST', '/api/v1/peers', { url: 'not a web address', fingerprint: 'ab'.repeat(32) });
    expect(url.json().errors).toEqual([expect.objectContaining({ pointer: '/url', code: 'format', format: 'uri' })]);
  });

  it('names the query parameter at fault', async () => {
    const res = await send('GET', '/api/v1/audit?limit=abc');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ in: 'querystring', pointer: '/limit' })]);
  });

  it('refuses a NUL or a lone surrogate anywhere in the body with invalid_characters', async () => {
    for (const display_name of ['a\u0000b', 'a\ud800']) {
      const res = await send('POST', '/api/v1/users', { email: 'b@example.org', display_name, role: 'analyst' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ pointer: '/display_name', code: 'invalid_characters' })]);
    }
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: '{"email":"\\ud800","password":"x"}', headers: { 'content-type': 'application/json' } });
    expect(login.statusCode).toBe(400);
  });
});
