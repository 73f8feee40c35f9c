import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { evidenceFixture, type EvidenceFixture } from '../evidence/_evidence.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** A case's team on this node: assigned and unassigned by admins and coordinators, read by all, audited. */
describe.each(DIALECTS)('case team (%s)', (dialect) => {
  let f: EvidenceFixture;
  let officer: { id: string; token: string };
  let analyst: { id: string; token: string };
  let auditorId: string;
  let disabledId: string;
  beforeAll(async () => {
    f = await evidenceFixture(dialect);
    const o = await buildUser(f.node.ctx, 'officer');
    const a = await buildUser(f.node.ctx, 'analyst');
    officer = { id: o.user.id, token: o.token };
    analyst = { id: a.user.id, token: a.token };
    auditorId = (await buildUser(f.node.ctx, 'auditor')).user.id;
    disabledId = (await buildUser(f.node.ctx, 'officer')).user.id;
    await f.node.ctx.store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', disabledId).execute();
  });
  afterAll(() => f?.close());

  const call = (who: Role | string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    f.app.inject({ method, url, headers: { authorization: `Bearer ${(f.tokens as Record<string, string>)[who] ?? who}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const team = (caseId: string) => `/api/v1/cases/${caseId}/team`;
  const audit = (action: string, caseId: string) => f.node.ctx.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', action).where('target', '=', `case:${caseId}`).orderBy('seq').execute();

  it('starts empty and open: every role reads it, officers and analysts reach the content', async () => {
    const { caseId } = await f.openCase();
    for (const role of ROLES) {
      const r = await call(role, 'GET', team(caseId));
      expect(r.statusCode, role).toBe(200);
      expect(r.json()).toMatchObject({ case_id: caseId, restricted: false, members: [], authors: [] });
    }
    expect((await call(officer.token, 'GET', team(caseId))).json().access).toEqual({ case: true, attachments: true, content: true, reason: 'open' });
    expect((await call('auditor', 'GET', team(caseId))).json().access).toEqual({ case: true, attachments: true, content: false, reason: 'auditor' });
  });

  it('assigns and unassigns, each audited, and the reader sees what it may reach', async () => {
    const { caseId } = await f.openCase();
    const added = await call('coordinator', 'POST', team(caseId), { user_id: officer.id });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ restricted: true, members: [{ user_id: officer.id, role: 'officer', assigned_by_name: 'coordinator user' }], access: { content: true, reason: 'role' } });
    expect((await call(officer.token, 'GET', team(caseId))).json().access).toEqual({ case: true, attachments: true, content: true, reason: 'member' });
    // To an analyst outside the team the case does not exist: its team neither.
    const outside = await call(analyst.token, 'GET', team(caseId));
    expect([outside.statusCode, outside.json().type, outside.json().detail]).toEqual([404, 'urn:accord:problem:not-found', `case ${caseId} does not exist`]);
    expect(await audit('case.team_assign', caseId)).toEqual([expect.objectContaining({ details: JSON.stringify({ user: `user:${officer.id}` }) })]);

    const del = await call('admin', 'DELETE', `${team(caseId)}/${officer.id}`);
    expect(del.statusCode).toBe(204);
    expect((await call(analyst.token, 'GET', team(caseId))).json()).toMatchObject({ restricted: false, members: [], access: { reason: 'open' } });
    expect(await audit('case.team_unassign', caseId)).toHaveLength(1);
  });

  it('sets the whole team at once: added and removed in one audit entry; an empty list opens the case', async () => {
    const { caseId } = await f.openCase();
    await call('admin', 'POST', team(caseId), { user_id: officer.id });
    const set = await call('admin', 'PUT', team(caseId), { user_ids: [analyst.id] });
    expect(set.statusCode).toBe(200);
    expect(set.json().members.map((m: { user_id: string }) => m.user_id)).toEqual([analyst.id]);
    const cleared = await call('coordinator', 'PUT', team(caseId), { user_ids: [] });
    expect(cleared.json()).toMatchObject({ restricted: false, members: [] });
    const entries = await audit('case.team_set', caseId);
    expect(entries.map((e) => JSON.parse(e.details))).toEqual([
      { added: [`user:${analyst.id}`], removed: [`user:${officer.id}`] },
      { added: [], removed: [`user:${analyst.id}`] },
    ]);
  });

  it('lists who may join: enabled users of every role but auditors, not on the team yet', async () => {
    const { caseId } = await f.openCase();
    await call('admin', 'POST', team(caseId), { user_id: officer.id });
    const r = await call('coordinator', 'GET', `${team(caseId)}/candidates`);
    expect(r.statusCode).toBe(200);
    const ids = r.json().map((c: { user_id: string }) => c.user_id);
    expect(ids).toContain(analyst.id);
    expect(ids).not.toContain(officer.id);
    expect(ids).not.toContain(auditorId);
    expect(ids).not.toContain(disabledId);
    expect(r.json().every((c: { role: string }) => c.role !== 'auditor')).toBe(true);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const { caseId } = await f.openCase();
    const expectField = async (r: Awaited<ReturnType<typeof call>>, status: number, code: string | null) => {
      expect(r.statusCode, r.body).toBe(status);
      expect(r.headers['content-type']).toContain('application/problem+json');
      if (code) expect(r.json().errors.map((e: { code: string }) => e.code)).toContain(code);
    };
    await expectField(await call('admin', 'POST', team(caseId), { user_id: UNKNOWN }), 400, 'unknown_user');
    await expectField(await call('admin', 'POST', team(caseId), { user_id: auditorId }), 400, 'not_assignable');
    await expectField(await call('admin', 'POST', team(caseId), { user_id: disabledId }), 400, 'disabled_user');
    await expectField(await call('admin', 'POST', team(caseId), { user_id: 'not-a-uuid' }), 400, null);
    await expectField(await call('admin', 'POST', team(caseId), {}), 400, null);
    await expectField(await call('admin', 'POST', team(caseId), { user_id: officer.id, extra: 1 }), 400, null);
    await expectField(await call('admin', 'PUT', team(caseId), { user_ids: [officer.id, officer.id] }), 400, 'duplicate');
    await expectField(await call('admin', 'PUT', team(caseId), { user_ids: [officer.id, UNKNOWN] }), 400, 'unknown_user');
    await expectField(await call('admin', 'PUT', team(caseId), { user_ids: Array.from({ length: 201 }, () => officer.id) }), 400, null);
    expect((await call('admin', 'GET', team(caseId))).json().members).toEqual([]);

    expect((await call('admin', 'POST', team(caseId), { user_id: officer.id })).statusCode).toBe(201);
    const dup = await call('coordinator', 'POST', team(caseId), { user_id: officer.id });
    expect([dup.statusCode, dup.json().type]).toEqual([409, 'urn:accord:problem:conflict']);
    expect(await audit('case.team_assign', caseId)).toHaveLength(1);
    const notOn = await call('admin', 'DELETE', `${team(caseId)}/${analyst.id}`);
    expect([notOn.statusCode, notOn.json().type]).toEqual([404, 'urn:accord:problem:not-found']);
    expect((await call('admin', 'DELETE', `${team(caseId)}/not-a-uuid`)).statusCode).toBe(400);

    for (const [method, url, body] of [
      ['GET', team(UNKNOWN), undefined],
      ['GET', `${team(UNKNOWN)}/candidates`, undefined],
      ['POST', team(UNKNOWN), { user_id: officer.id }],
      ['PUT', team(UNKNOWN), { user_ids: [officer.id] }],
      ['DELETE', `${team(UNKNOWN)}/${officer.id}`, undefined],
    ] as const) {
      const r = await call('admin', method, url, body);
      expect([r.statusCode, r.json().type], `${method} ${url}`).toEqual([404, 'urn:accord:problem:not-found']);
    }
    expect((await call('admin', 'GET', team('nope'))).statusCode).toBe(400);
  });

  it('lets only admins and coordinators change a team; every role reads the team of a case it reaches', async () => {
    const { caseId } = await f.openCase();
    const mayAssign = new Set<Role>(['admin', 'coordinator']);
    for (const role of ROLES) {
      const reads = await call(role, 'GET', team(caseId));
      expect(reads.statusCode, `${role} GET`).toBe(200);
      const candidates = await call(role, 'GET', `${team(caseId)}/candidates`);
      const post = await call(role, 'POST', team(caseId), { user_id: officer.id });
      const put = await call(role, 'PUT', team(caseId), { user_ids: [officer.id] });
      const del = await call(role, 'DELETE', `${team(caseId)}/${officer.id}`);
      if (mayAssign.has(role)) {
        expect([candidates.statusCode, post.statusCode, put.statusCode, del.statusCode], role).toEqual([200, 201, 200, 204]);
      } else {
        for (const r of [candidates, post, put, del]) expect([r.statusCode, r.json().type], role).toEqual([403, 'urn:accord:problem:forbidden']);
      }
    }
    for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
      const r = await f.app.inject({ method, url: method === 'DELETE' ? `${team(caseId)}/${officer.id}` : team(caseId), ...(method === 'POST' ? { payload: { user_id: officer.id } } : method === 'PUT' ? { payload: { user_ids: [] } } : {}) });
      expect(r.statusCode, method).toBe(401);
    }
  });
});
