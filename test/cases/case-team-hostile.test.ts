import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { evidenceFixture, type EvidenceFixture } from '../evidence/_evidence.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
type Res = { status: number; json: any };

/**
 * A case's team under hostile use, over real HTTP on both databases: the same user assigned and
 * taken off at once, whole teams written at once, and sessions that outlive a change of team or
 * role. The final team is always one a sequence of the successful requests would give, the
 * audit log names exactly what changed, nothing answers 500, and access ends on the next request.
 */
describe.each(DIALECTS)('a case team under concurrent change (%s)', (dialect) => {
  let f: EvidenceFixture;
  let base: string;
  const call = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const auth: Record<string, string> = token.includes('=') ? { cookie: token } : { authorization: `Bearer ${token}` };
    const res = await fetch(`${base}${path}`, { method, headers: { ...auth, ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const team = (caseId: string) => `/api/v1/cases/${caseId}/team`;
  const members = async (caseId: string) =>
    (await f.node.ctx.store.db.selectFrom('case_assignments').select('user_id').where('case_id', '=', caseId).execute()).map((r) => r.user_id).sort();
  const audit = async (caseId: string) =>
    (await f.node.ctx.store.db.selectFrom('audit_log').select(['action', 'details']).where('target', '=', `case:${caseId}`).where('action', 'like', 'case.team_%').orderBy('seq').execute()).map((e) => ({ action: e.action, details: JSON.parse(e.details) as Record<string, unknown> }));
  const officers = async (n: number) => Promise.all(Array.from({ length: n }, async () => (await buildUser(f.node.ctx, 'officer')).user.id));

  beforeAll(async () => {
    f = await evidenceFixture(dialect);
    base = await f.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => f?.close());

  it('assigns and takes off one user at once, many times: no 500, and the audit log replays to the final team', async () => {
    const { caseId } = await f.openCase();
    const [u] = await officers(1);
    const statuses: number[] = [];
    for (let round = 0; round < 8; round++) {
      const reqs = Array.from({ length: 6 }, (_, i) => (i % 2 === round % 2 ? call(f.tokens.admin, 'POST', team(caseId), { user_id: u }) : call(f.tokens.coordinator, 'DELETE', `${team(caseId)}/${u}`)));
      statuses.push(...(await Promise.all(reqs)).map((r) => r.status));
    }
    expect(statuses.every((s) => [201, 409, 204, 404].includes(s)), statuses.join(',')).toBe(true);
    const entries = await audit(caseId);
    expect(entries.filter((e) => e.action === 'case.team_assign')).toHaveLength(statuses.filter((s) => s === 201).length);
    expect(entries.filter((e) => e.action === 'case.team_unassign')).toHaveLength(statuses.filter((s) => s === 204).length);
    // Replayed in order, each entry changes the team: an assignment of someone off it, a removal of someone on it.
    let on = false;
    for (const e of entries) {
      expect(on, JSON.stringify(e)).toBe(e.action === 'case.team_unassign');
      on = e.action === 'case.team_assign';
    }
    expect(await members(caseId)).toEqual(on ? [u] : []);
  });

  it('writes whole teams at once: the final team is one of those written, never a mix, and each audit entry names what changed', async () => {
    const { caseId } = await f.openCase();
    const pool = await officers(6);
    const sets = [pool.slice(0, 2), pool.slice(2, 4), pool.slice(4, 6), [pool[0]!, pool[3]!], [pool[5]!], pool.slice(1, 5), [], pool];
    for (let round = 0; round < 3; round++) {
      const rs = await Promise.all(sets.map((ids, i) => call(i % 2 ? f.tokens.admin : f.tokens.coordinator, 'PUT', team(caseId), { user_ids: ids })));
      // 409: the team changed between the check of the newcomers and the write; nothing was written.
      expect(rs.every((r) => r.status === 200 || r.status === 409), rs.map((r) => `${r.status} ${JSON.stringify(r.json).slice(0, 200)}`).join('\n')).toBe(true);
      expect(rs.some((r) => r.status === 200)).toBe(true);
      const final = await members(caseId);
      expect(sets.map((s) => [...s].sort())).toContainEqual(final);
    }
    let current = new Set<string>();
    const ref = (id: string) => `user:${id}`;
    const entries = await audit(caseId);
    expect(entries.every((e) => e.action === 'case.team_set')).toBe(true);
    for (const e of entries) {
      const { added, removed } = e.details as { added: string[]; removed: string[] };
      for (const a of added) expect(current.has(a.slice(5)), 'added twice').toBe(false);
      for (const r of removed) expect(current.has(r.slice(5)), 'removed but not on it').toBe(true);
      current = new Set([...[...current].filter((id) => !removed.includes(ref(id))), ...added.map((a) => a.slice(5))]);
    }
    expect([...current].sort()).toEqual(await members(caseId));
  });

  it('ends a signed-in session’s access at once when its user is taken off the team, or its role changes', async () => {
    const { caseId } = await f.openCase();
    const signIn = async (email: string, password: string) => {
      const res = await fetch(`${base}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      expect(res.status).toBe(200);
      return res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
    };
    const officer = await buildUser(f.node.ctx, 'officer');
    const other = await buildUser(f.node.ctx, 'officer');
    const coordinator = await buildUser(f.node.ctx, 'coordinator');
    const [sOfficer, sCoordinator] = [await signIn(officer.email, officer.password), await signIn(coordinator.email, coordinator.password)];
    expect((await call(f.tokens.admin, 'PUT', team(caseId), { user_ids: [officer.user.id, other.user.id] })).status).toBe(200);
    const reads = async (session: string) => (await call(session, 'GET', `/api/v1/cases/${caseId}`)).status;
    const lists = async (session: string) => ((await call(session, 'GET', '/api/v1/cases?limit=500')).json.cases as { case_id: string }[]).some((c) => c.case_id === caseId);
    expect([await reads(sOfficer), await lists(sOfficer)]).toEqual([200, true]);
    expect([await reads(sCoordinator), await lists(sCoordinator)]).toEqual([200, true]);

    // Taken off the team: the same session, the very next request.
    expect((await call(f.tokens.admin, 'DELETE', `${team(caseId)}/${officer.user.id}`)).status).toBe(204);
    expect([await reads(sOfficer), await lists(sOfficer)]).toEqual([404, false]);
    expect((await call(f.tokens.admin, 'POST', team(caseId), { user_id: officer.user.id })).status).toBe(201);
    expect(await reads(sOfficer)).toBe(200);

    // A coordinator made an officer, not on the team: access ends with the role.
    const patched = await call(f.tokens.admin, 'PATCH', `/api/v1/users/${coordinator.user.id}`, { role: 'officer' });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    const after = await reads(sCoordinator);
    // The node may end the session on a role change (401); it must never still show the case.
    expect([404, 401]).toContain(after);
    if (after === 404) expect(await lists(sCoordinator)).toBe(false);
    expect((await call(coordinator.token, 'GET', `/api/v1/cases/${caseId}`)).status).toBe(404);
    // And back: the same token reaches it again as a coordinator.
    expect((await call(f.tokens.admin, 'PATCH', `/api/v1/users/${coordinator.user.id}`, { role: 'coordinator' })).status).toBe(200);
    expect((await call(coordinator.token, 'GET', `/api/v1/cases/${caseId}`)).status).toBe(200);
  });
});
