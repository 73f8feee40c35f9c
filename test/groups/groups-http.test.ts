import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

const AGREEMENT = { title: 'UNCC', instrument: 'UN Convention against Cybercrime (2024)', channels: ['federation'], request_types: ['*'], languages: ['en'], confidentiality: '' };
const UNKNOWN = '01900000-0000-7000-8000-000000000000';

describe.each(DIALECTS)('groups API on one node (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let h: Record<string, string>;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    h = { authorization: `Bearer ${(await buildUser(node.ctx, 'coordinator')).token}` };
    analyst = { authorization: `Bearer ${(await buildUser(node.ctx, 'analyst')).token}` };
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('lists no groups on a new node, to every role', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/groups', headers: analyst });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it('refuses to invite a node that is not a peer, and writes nothing', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/groups', headers: h, payload: { name: 'G', level: 'global', agreement: AGREEMENT, members: ['kz-cert'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:accord:problem:invalid-input', detail: expect.stringMatching(/kz-cert is not a peer of this node/), node: 'kz-cert' });
    expect(await node.ctx.store.db.selectFrom('group_events').selectAll().execute()).toEqual([]);
  });

  it('refuses an agreement with an unknown field or a bad language tag', async () => {
    for (const agreement of [{ ...AGREEMENT, secret: true }, { ...AGREEMENT, languages: ['english language'] }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/groups', headers: h, payload: { name: 'G', level: 'global', agreement, members: ['kz-cert'] } });
      expect(res.statusCode).toBe(400);
    }
  });

  it('answers 404 for a group or proposal that does not exist, with or without a body', async () => {
    expect((await app.inject({ method: 'GET', url: `/api/v1/groups/${UNKNOWN}`, headers: h })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/groups/${UNKNOWN}/proposals/${UNKNOWN}/consent`, headers: h })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/groups/${UNKNOWN}/proposals/${UNKNOWN}/refuse`, headers: h })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/groups/${UNKNOWN}/proposals/${UNKNOWN}/refuse`, headers: h, payload: { reason: 'no' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/groups/${UNKNOWN}/proposals`, headers: h, payload: { kind: 'remove_member', node: 'kz-cert' } })).statusCode).toBe(404);
  });

  it('refuses a malformed id or a founding proposal through the proposals route', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/groups/not-a-uuid', headers: h })).statusCode).toBe(400);
    const res = await app.inject({ method: 'POST', url: `/api/v1/groups/${UNKNOWN}/proposals`, headers: h, payload: { kind: 'create', name: 'G', level: 'global', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert'] } });
    expect(res.statusCode).toBe(400);
  });
});
