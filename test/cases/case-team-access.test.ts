import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { caseAccessOf } from '../../src/cases/index.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { evidenceFixture, PEER, type EvidenceFixture } from '../evidence/_evidence.js';
import { PRESERVATION } from './_cases.js';

type Who = { id: string; token: string; role: Role };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
type Res = { status: number; json: any };

/**
 * The case team governs the case itself (src/cases/team.rules.ts), over real HTTP: once a case
 * has a team, an officer or analyst who is neither on it nor the request's author gets the
 * answer an unknown case gets on every route of the case, and does not find it in the list or
 * on the desk; members, authors, administrators and coordinators work it; auditors read it.
 * A case without a team is open to all as before.
 */
describe.each(DIALECTS)('a case with a team, to those outside it (%s)', (dialect) => {
  let f: EvidenceFixture;
  let base: string;
  let member: Who, analystIn: Who, outsider: Who, analystOut: Who, author: Who;
  let teamCase: string, openCase: string, outgoing: string, sentDraft: string;

  const call = async (who: Who | string, method: string, path: string, body?: unknown): Promise<Res> => {
    const token = typeof who === 'string' ? who : who.token;
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const user = async (role: 'officer' | 'analyst'): Promise<Who> => {
    const u = await buildUser(f.node.ctx, role);
    return { id: u.user.id, token: u.token, role };
  };
  const setTeam = async (caseId: string, ids: string[]) => expect((await call(f.tokens.admin, 'PUT', `/api/v1/cases/${caseId}/team`, { user_ids: ids })).status).toBe(200);

  /** Every route of a case, with a body that passes validation (the rules may still refuse it: 409). */
  const caseRoutes = (id: string): [string, string, unknown?][] => [
    ['GET', `/api/v1/cases/${id}`],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'acknowledge' }],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'execute', extent: 'partial', text: 'Logs preserved.' }],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'message', text: 'A reply.' }],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'refuse', grounds: ['other'], reasons: 'No.' }],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'withdraw' }],
    ['POST', `/api/v1/cases/${id}/actions`, { action: 'close' }],
    ['GET', `/api/v1/cases/${id}/team`],
    ['GET', `/api/v1/cases/${id}/attachments`],
    ['GET', `/api/v1/cases/${id}/custody`],
    ['GET', `/api/v1/cases/${id}/bundle`],
    ['GET', `/api/v1/cases/${id}/bundle?hashes_only=true`],
  ];
  const draftRoutes = (id: string): [string, string, unknown?][] => [
    ['GET', `/api/v1/cases/drafts/${id}`],
    ['PUT', `/api/v1/cases/drafts/${id}`, { requested: PEER, content: PRESERVATION }],
    ['DELETE', `/api/v1/cases/drafts/${id}`],
    ['POST', `/api/v1/cases/drafts/${id}/review`],
    ['POST', `/api/v1/cases/drafts/${id}/send`],
  ];
  const listIds = async (who: Who | string, query = ''): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      // One case a page: paging must neither skip nor repeat around hidden cases.
      const r: Res = await call(who, 'GET', `/api/v1/cases?limit=1${query}${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      ids.push(...r.json.cases.map((c: { case_id: string }) => c.case_id));
      after = r.json.next;
    } while (after);
    return ids;
  };

  beforeAll(async () => {
    f = await evidenceFixture(dialect);
    base = await f.app.listen({ host: '127.0.0.1', port: 0 });
    [member, analystIn, outsider, analystOut, author] = [await user('officer'), await user('analyst'), await user('officer'), await user('analyst'), await user('officer')];
    teamCase = (await f.openCase()).caseId;
    openCase = f.caseId;
    // An outgoing case drafted and sent here by `author`.
    const d = await call(author, 'POST', '/api/v1/cases/drafts', { requested: PEER, content: PRESERVATION });
    expect(d.status, JSON.stringify(d.json)).toBe(201);
    sentDraft = d.json.id;
    const sent = await call(author, 'POST', `/api/v1/cases/drafts/${sentDraft}/send`);
    expect(sent.status, JSON.stringify(sent.json)).toBe(201);
    outgoing = sent.json.id;
    await setTeam(teamCase, [member.id, analystIn.id]);
    await setTeam(outgoing, [member.id]);
  });
  afterAll(() => f?.close());

  it('answers an outsider officer or analyst 404 on every route of a team case, exactly as for an unknown case', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const who of [outsider, analystOut])
      for (const id of [teamCase, outgoing]) {
        for (const [[method, path, body], [, unknownPath]] of caseRoutes(id).map((r, i) => [r, caseRoutes(unknown)[i]!] as const)) {
          const r = await call(who, method, path, body);
          const u = await call(who, method, unknownPath, body);
          // An analyst may not act at all (403 before anything else); an officer gets what an unknown id gets.
          expect([r.status, r.json.type], `${who.role} ${method} ${path}`).toEqual([u.status, u.json.type]);
          expect([404, 403], `${who.role} ${method} ${path}`).toContain(r.status);
          if (r.status === 404) expect(r.json.detail).toBe(u.json.detail.replace(unknown, id));
        }
      }
    for (const [method, path, body] of draftRoutes(sentDraft)) {
      const r = await call(outsider, method, path, body);
      expect([r.status, r.json.type, r.json.detail], `${method} ${path}`).toEqual([404, 'urn:accord:problem:not-found', `draft ${sentDraft} does not exist`]);
    }
    expect((await call(analystOut, 'GET', `/api/v1/cases/drafts/${sentDraft}`)).status).toBe(404);
  });

  it('lets the same officer and analyst work a case without a team', async () => {
    for (const [method, path, body] of caseRoutes(openCase).filter(([m]) => m === 'GET')) {
      for (const who of [outsider, analystOut]) expect((await call(who, method, path, body)).status, `${who.role} ${path}`).toBe(200);
    }
    const ack = await call(outsider, 'POST', `/api/v1/cases/${openCase}/actions`, { action: 'acknowledge' });
    expect(ack.status, JSON.stringify(ack.json)).toBe(200);
    expect((await call(outsider, 'POST', `/api/v1/cases/${openCase}/actions`, { action: 'message', text: 'On it.' })).status).toBe(200);
  });

  it('lets members, the author, admins and coordinators work a team case, and auditors read it', async () => {
    for (const who of [member, analystIn, f.tokens.admin, f.tokens.coordinator, f.tokens.auditor]) {
      for (const [method, path] of caseRoutes(teamCase).filter(([m, p]) => m === 'GET' && !p.endsWith('/bundle'))) {
        expect((await call(who, method, path)).status, `${typeof who === 'string' ? who.slice(0, 6) : who.role} ${path}`).toBe(200);
      }
    }
    expect((await call(member, 'POST', `/api/v1/cases/${teamCase}/actions`, { action: 'acknowledge' })).status).toBe(200);
    expect((await call(f.tokens.coordinator, 'POST', `/api/v1/cases/${teamCase}/actions`, { action: 'message', text: 'Noted.' })).status).toBe(200);
    // The author is not on the outgoing case's team, and works it: its detail, its draft, an action.
    expect((await call(author, 'GET', `/api/v1/cases/${outgoing}`)).status).toBe(200);
    expect((await call(author, 'GET', `/api/v1/cases/drafts/${sentDraft}`)).status).toBe(200);
    const msg = await call(author, 'POST', `/api/v1/cases/${outgoing}/actions`, { action: 'message', text: 'More to follow.' });
    expect(msg.status, JSON.stringify(msg.json)).toBe(200);
    // A member who is not the author: a sent draft can no longer change (409), as for anyone who reaches it.
    expect((await call(member, 'POST', `/api/v1/cases/drafts/${sentDraft}/send`)).status).toBe(409);
  });

  it('leaves team cases out of an outsider list, with paging and filters right, and agrees with the rule case by case', async () => {
    const all = await listIds(f.tokens.admin);
    expect(all).toEqual(expect.arrayContaining([teamCase, openCase, outgoing]));
    for (const who of [member, analystIn, outsider, analystOut, author]) {
      const seen = await listIds(who);
      expect(new Set(seen).size, who.role).toBe(seen.length);
      const expected: string[] = [];
      for (const id of all) if ((await caseAccessOf(f.node.ctx, who, id)).case) expected.push(id);
      expect(seen, who.role).toEqual(expected);
    }
    expect(await listIds(outsider)).not.toContain(teamCase);
    expect(await listIds(outsider)).toContain(openCase);
    expect(await listIds(author)).toEqual(expect.arrayContaining([outgoing]));
    expect(await listIds(author)).not.toContain(teamCase);
    expect(await listIds(analystIn, '&direction=incoming')).toContain(teamCase);
    expect(await listIds(outsider, `&q=${encodeURIComponent('Ransomware')}`)).not.toContain(teamCase);
    expect(await listIds(outsider, '&sort=due')).not.toContain(teamCase);
    expect(await listIds(outsider, '&status=sent,acknowledged')).not.toContain(teamCase);
    for (const who of [f.tokens.coordinator, f.tokens.auditor]) expect(await listIds(who)).toEqual(all);
  });

  it('shows a team case on the desk of its members only', async () => {
    const fresh = (await f.openCase()).caseId;
    const deskIds = async (who: Who | string) => ((await call(who, 'GET', '/api/v1/desk')).json.items as { id: string }[]).map((i) => i.id);
    expect(await deskIds(outsider)).toContain(fresh);
    await setTeam(fresh, [member.id]);
    expect(await deskIds(outsider)).not.toContain(fresh);
    expect(await deskIds(member)).toContain(fresh);
    expect(await deskIds(f.tokens.coordinator)).toContain(fresh);
    await setTeam(fresh, []);
    expect(await deskIds(outsider)).toContain(fresh);
  });
});
