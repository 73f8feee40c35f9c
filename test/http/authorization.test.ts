import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, SessionClient, type TestNode } from '../_util/node.js';

type Who = Role | 'anonymous';
const ALL: Who[] = [...ROLES];
const ADMIN_AUDITOR: Who[] = ['admin', 'auditor'];
const ADMIN: Who[] = ['admin'];
const PUBLIC: Who[] = ['anonymous', ...ROLES];
const PEERS_READ: Who[] = ['admin', 'coordinator', 'auditor'];
const ADMIN_COORDINATOR: Who[] = ['admin', 'coordinator'];
const CASE_WORKERS: Who[] = ['admin', 'coordinator', 'officer'];
const CASE_CONTENT = { type: 'cert-assistance', priority: 'routine', subject: 'Phishing wave', legal_basis: { instrument: 'gge-2015' }, language: 'en', fields: {}, translations: [], handling: { do_not_notify: false, use_limited_to_proceedings: true, onward: 'none' } };
const GROUP_AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

/**
 * The expected access of every API route, written out by hand (not derived from the code's
 * own permission table), so that a change of rule shows up here. Routes that need a body get
 * a valid one, so a 4xx other than 401/403 still means "let in".
 */
const EXPECTED: Record<string, { who: Who[]; body?: unknown; session?: boolean }> = {
  'GET /healthz': { who: PUBLIC },
  'GET /readyz': { who: PUBLIC },
  'GET /metrics': { who: PUBLIC },
  'GET /api/openapi.json': { who: PUBLIC },
  'POST /api/v1/auth/sign-in': { who: PUBLIC, body: { email: 'nobody@example.org', password: 'x' } },
  'GET /api/v1/auth/session': { who: ALL, session: true },
  'POST /api/v1/auth/sign-out': { who: ALL, session: true },
  'POST /api/v1/auth/second-factor': { who: ALL, body: { code: '123456' }, session: true },
  'POST /api/v1/auth/password': { who: ALL, body: { current_password: 'x', new_password: 'y' }, session: true },
  'POST /api/v1/auth/totp/enrolment': { who: ALL, session: true },
  'POST /api/v1/auth/totp/enrolment/confirm': { who: ALL, body: { code: '123456' }, session: true },
  'GET /api/v1/node': { who: ALL },
  'GET /api/v1/desk': { who: ALL },
  // Without Accept: text/event-stream a let-in caller gets 406 instead of a stream that never ends.
  'GET /api/v1/events': { who: ALL },
  'GET /api/v1/users': { who: ADMIN_AUDITOR },
  'GET /api/v1/users/:id': { who: ADMIN_AUDITOR },
  'POST /api/v1/users': { who: ADMIN, body: { email: 'new@example.org', display_name: 'New', role: 'analyst' } },
  'PATCH /api/v1/users/:id': { who: ADMIN, body: { display_name: 'Renamed' } },
  'POST /api/v1/users/:id/reset': { who: ADMIN, body: {} },
  'GET /api/v1/tokens': { who: ALL },
  'POST /api/v1/tokens': { who: ALL, body: { name: 'script' } },
  'DELETE /api/v1/tokens/:id': { who: ALL },
  'GET /api/v1/audit': { who: ADMIN_AUDITOR },
  'GET /api/v1/audit/verify': { who: ADMIN_AUDITOR },
  'GET /api/v1/audit/checkpoints': { who: ADMIN_AUDITOR },
  'POST /api/v1/audit/checkpoints': { who: ADMIN },
  'GET /api/v1/audit/witnessed': { who: ADMIN_AUDITOR },
  'GET /api/v1/directory': { who: ALL },
  'GET /api/v1/directory/export': { who: ALL },
  'GET /api/v1/directory/own': { who: ALL },
  'PUT /api/v1/directory/own': { who: ['admin', 'coordinator'], body: { authority_names: { en: 'X' }, authority_kinds: ['cert'], time_zone: 'UTC', languages: ['en'], contacts: [{ id: 'a', role: 'technical_cert', names: { en: 'A' }, languages: ['en'], hours: { always: true }, channels: [{ kind: 'email', value: 'a@example.org' }] }] } },
  'POST /api/v1/directory/own/confirm': { who: ['admin', 'coordinator'], body: {} },
  'GET /api/v1/directory/nodes/:id': { who: ALL },
  'POST /api/v1/ping-tests': { who: ['admin', 'coordinator'], body: { node_id: 'nobody' } },
  'GET /api/v1/ping-tests': { who: ALL },
  'GET /api/v1/ping-tests/stats': { who: ALL },
  'POST /api/v1/ping-tests/:id/confirm': { who: ['admin', 'coordinator', 'officer', 'analyst'] },
  'GET /api/v1/ping-tests/history': { who: ALL },
  'GET /api/v1/ping-tests/export': { who: ALL },
  'POST /api/v1/ping-schedules': { who: ADMIN_COORDINATOR, body: { node_id: 'nobody', interval_days: 91 } },
  'GET /api/v1/ping-schedules': { who: ALL },
  'DELETE /api/v1/ping-schedules/:id': { who: ADMIN_COORDINATOR },
  'GET /ping-tests/confirm': { who: PUBLIC },
  'POST /ping-tests/confirm': { who: PUBLIC, body: { token: 'x'.repeat(30) } },
  'GET /federation/v1/node': { who: PUBLIC },
  'POST /federation/v1/inbox': { who: PUBLIC, body: {} },
  // Authenticated by the asking node's signature, not by a user (a bad or missing one is 401; here the path is refused first).
  'GET /federation/v1/audit-checkpoints/:node': { who: PUBLIC },
  'GET /api/v1/peers': { who: PEERS_READ },
  'POST /api/v1/peers': { who: ADMIN, body: { url: 'http://127.0.0.1:1', fingerprint: 'a'.repeat(64) } },
  'POST /api/v1/peers/:id/suspend': { who: ADMIN },
  'POST /api/v1/peers/:id/resume': { who: ADMIN },
  'DELETE /api/v1/peers/:id': { who: ADMIN },
  'POST /api/v1/peers/:id/retry': { who: ADMIN },
  'POST /api/v1/peers/:id/ping': { who: ADMIN },
  'POST /api/v1/peers/:id/catch-up': { who: ADMIN },
  'POST /api/v1/peers/:id/notices': { who: ADMIN, body: { subject: 'Hello', text: '' } },
  'GET /api/v1/notices': { who: ALL },
  'GET /api/v1/notices/:id': { who: ALL },
  'POST /api/v1/notices/:id/ack': { who: ['admin', 'coordinator', 'officer', 'analyst'] },
  'POST /api/v1/notices/:id/reply': { who: ['admin', 'coordinator', 'officer', 'analyst'], body: { subject: 'Re: Hello', text: '' } },
  'GET /api/v1/groups': { who: ALL },
  'GET /api/v1/groups/:id': { who: ALL },
  'POST /api/v1/groups': { who: ADMIN_COORDINATOR, body: { name: 'SCO CERTs', level: 'regional', agreement: GROUP_AGREEMENT, members: ['no-such-peer'] } },
  'POST /api/v1/groups/:id/proposals': { who: ADMIN_COORDINATOR, body: { kind: 'add_member', node: 'no-such-peer' } },
  'POST /api/v1/groups/:id/proposals/:pid/consent': { who: ADMIN_COORDINATOR },
  'POST /api/v1/groups/:id/proposals/:pid/refuse': { who: ADMIN_COORDINATOR, body: {} },
  'GET /api/v1/cases': { who: ALL },
  'GET /api/v1/cases/catalogue': { who: ALL },
  'GET /api/v1/cases/statistics': { who: ALL },
  'GET /api/v1/cases/statistics.csv': { who: ALL },
  'GET /api/v1/cases/drafts': { who: ALL },
  'POST /api/v1/cases/drafts': { who: CASE_WORKERS, body: { requested: 'no-such-peer', content: CASE_CONTENT } },
  'GET /api/v1/cases/drafts/:id': { who: ALL },
  'PUT /api/v1/cases/drafts/:id': { who: CASE_WORKERS, body: { requested: 'no-such-peer', content: CASE_CONTENT } },
  'DELETE /api/v1/cases/drafts/:id': { who: CASE_WORKERS },
  'POST /api/v1/cases/drafts/:id/review': { who: CASE_WORKERS },
  'POST /api/v1/cases/drafts/:id/approve': { who: ADMIN_COORDINATOR },
  'POST /api/v1/cases/drafts/:id/send': { who: CASE_WORKERS },
  'POST /api/v1/cases': { who: CASE_WORKERS, body: { requests: [{ requested: 'no-such-peer', content: CASE_CONTENT }] } },
  'POST /api/v1/cases/actions': { who: CASE_WORKERS, body: { actions: [{ case_id: '00000000-0000-4000-8000-000000000000', action: 'acknowledge' }] } },
  'GET /api/v1/cases/requested-side/:node': { who: ALL },
  'GET /api/v1/cases/:id': { who: ALL },
  'POST /api/v1/cases/:id/actions': { who: CASE_WORKERS, body: { action: 'acknowledge' } },
  // A case's team: read by all; assigned by admins and coordinators (cases:assign).
  'GET /api/v1/cases/:id/team': { who: ALL },
  'GET /api/v1/cases/:id/team/candidates': { who: ADMIN_COORDINATOR },
  'POST /api/v1/cases/:id/team': { who: ADMIN_COORDINATOR, body: { user_id: '00000000-0000-4000-8000-000000000000' } },
  'PUT /api/v1/cases/:id/team': { who: ADMIN_COORDINATOR, body: { user_ids: [] } },
  'DELETE /api/v1/cases/:id/team/:userId': { who: ADMIN_COORDINATOR },
  // tus discovery tells only the protocol and the size limit.
  'OPTIONS /api/v1/cases/:id/attachments/uploads': { who: PUBLIC },
  'POST /api/v1/cases/:id/attachments/uploads': { who: CASE_WORKERS },
  'PATCH /api/v1/cases/:id/attachments/uploads/:uploadId': { who: CASE_WORKERS },
  'DELETE /api/v1/cases/:id/attachments/uploads/:uploadId': { who: CASE_WORKERS },
  'GET /api/v1/cases/:id/attachments': { who: ALL },
  'GET /api/v1/cases/:id/custody': { who: ALL },
  'GET /api/v1/cases/:id/attachments/:attachmentId': { who: ALL },
  // Auditors verify content but do not download it unless the node allows it (evidenceAuditorsDownload).
  'GET /api/v1/cases/:id/attachments/:attachmentId/content': { who: ['admin', 'coordinator', 'officer', 'analyst'] },
  'GET /api/v1/cases/:id/attachments/:attachmentId/verify': { who: ADMIN_AUDITOR },
  'POST /api/v1/cases/:id/attachments/:attachmentId/hold': { who: ADMIN_COORDINATOR },
  'POST /api/v1/cases/:id/attachments/:attachmentId/release': { who: ADMIN_COORDINATOR },
  'DELETE /api/v1/cases/:id/attachments/:attachmentId': { who: ADMIN_COORDINATOR },
  'GET /api/v1/evidence/verify': { who: ADMIN_AUDITOR },
  // Auditors get hashes only unless the node allows content.
  'GET /api/v1/cases/:id/bundle': { who: ALL },
  'GET /api/v1/cases/:id/transfers': { who: ALL },
  'GET /api/v1/cases/:id/attachments/:attachmentId/transfer': { who: ALL },
  // Authenticated by the peer's signature (the case's other party only), not by a user.
  'GET /federation/v1/evidence/:attachmentId/hashes': { who: PUBLIC },
  'GET /federation/v1/evidence/:attachmentId/chunks/:index': { who: PUBLIC },
  'POST /api/v1/intel/imports': { who: ['admin', 'coordinator', 'officer', 'analyst'], body: { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects: [] } },
  'GET /api/v1/intel/imports/:id': { who: ALL },
  'GET /api/v1/intel/objects': { who: ALL },
  'GET /api/v1/intel/objects/:id': { who: ALL },
  'GET /api/v1/intel/objects/:id/incoming': { who: ALL },
  'GET /api/v1/intel/export': { who: ALL },
  'POST /api/v1/intel/releases': { who: ADMIN_COORDINATOR, body: { title: 'To a peer', audience: { kind: 'peer', node_id: 'no-such-peer' }, filter: { types: ['indicator'] } } },
  'GET /api/v1/intel/releases': { who: ALL },
  'GET /api/v1/intel/releases/:id': { who: ALL },
  'POST /api/v1/intel/releases/:id/stop': { who: ADMIN_COORDINATOR },
  'GET /api/v1/intel/received-releases': { who: ALL },
  'GET /api/v1/intel/feeds': { who: ALL },
  'POST /api/v1/intel/feeds': { who: ADMIN_COORDINATOR, body: { title: 'A feed', api_root: 'https://taxii.example.org/api1/', collection_id: 'c1', default_marking: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', enabled: false } },
  'GET /api/v1/intel/feeds/:id': { who: ALL },
  'PATCH /api/v1/intel/feeds/:id': { who: ADMIN_COORDINATOR, body: { title: 'Renamed' } },
  'DELETE /api/v1/intel/feeds/:id': { who: ADMIN_COORDINATOR },
  'POST /api/v1/intel/feeds/:id/run': { who: ADMIN_COORDINATOR },
  'GET /taxii2/': { who: PUBLIC },
  'GET /taxii2/api/': { who: ALL },
  'GET /taxii2/api/collections/': { who: ALL },
  'GET /taxii2/api/collections/:collection/': { who: ALL },
  'GET /taxii2/api/collections/:collection/objects/': { who: ALL },
  'GET /taxii2/api/collections/:collection/manifest/': { who: ALL },
  'GET /taxii2/api/collections/:collection/objects/:object/': { who: ALL },
  'GET /taxii2/api/collections/:collection/objects/:object/versions/': { who: ALL },
  'POST /taxii2/api/collections/:collection/objects/': { who: ['admin', 'coordinator', 'officer', 'analyst'], body: { objects: [] } },
  'DELETE /taxii2/api/collections/:collection/objects/:object/': { who: ADMIN },
  'GET /taxii2/api/status/:status/': { who: ALL },
  'GET /api/v1/norms/catalogue': { who: ALL },
  'GET /api/v1/norms/drafts': { who: ALL },
  'POST /api/v1/norms/drafts': { who: ADMIN_COORDINATOR, body: { language: 'en', summary: '', norms: [] } },
  'GET /api/v1/norms/drafts/:id': { who: ALL },
  'PUT /api/v1/norms/drafts/:id': { who: ADMIN_COORDINATOR, body: { language: 'en', summary: '', norms: [] } },
  'POST /api/v1/norms/drafts/:id/submit': { who: ADMIN_COORDINATOR },
  'POST /api/v1/norms/drafts/:id/review': { who: ADMIN_COORDINATOR, body: { decision: 'approve' } },
  'POST /api/v1/norms/drafts/:id/publish': { who: ADMIN_COORDINATOR, body: { groups: ['g'] } },
  'GET /api/v1/norms/reports': { who: ALL },
  'GET /api/v1/norms/matrix': { who: ALL },
  'GET /api/v1/norms/by-norm/:norm': { who: ALL },
  'GET /api/v1/norms/reports/:node/versions': { who: ALL },
  'GET /api/v1/norms/reports/:node/versions/:version': { who: ALL },
  'GET /api/v1/norms/reports/:node/diff': { who: ALL },
  'GET /api/v1/norms/reports/:node/versions/:version/comments': { who: ALL },
  'POST /api/v1/norms/reports/:node/versions/:version/comments': { who: ADMIN_COORDINATOR, body: { text: 'x' } },
  'GET /api/v1/norms/comments': { who: ALL },
  'GET /api/v1/plans': { who: ALL },
  'GET /api/v1/plans/instruments': { who: ALL },
  'POST /api/v1/plans': { who: CASE_WORKERS, body: { group_id: '01900000-0000-7000-8000-000000000000', title: 'Plan' } },
  'GET /api/v1/plans/:id': { who: ALL },
  'POST /api/v1/plans/:id/items': { who: CASE_WORKERS, body: { title: 'Item', owner: 'no-such-peer', deadline: '2026-12-31' } },
  'POST /api/v1/plans/:id/items/:item/changes': { who: CASE_WORKERS, body: { deadline: '2026-12-31' } },
  'POST /api/v1/plans/:id/items/:item/status': { who: CASE_WORKERS, body: { status: 'done', note: 'Done' } },
  'POST /api/v1/plans/:id/proposals/:pid/answer': { who: CASE_WORKERS, body: { answer: 'accept' } },
  'GET /api/v1/plans/:id/export.html': { who: ALL },
  'GET /api/v1/plans/:id/export.pdf': { who: ALL },
  'GET /api/v1/statements': { who: ALL },
  'POST /api/v1/statements': { who: ADMIN_COORDINATOR, body: { group_id: '01900000-0000-7000-8000-000000000000', kind: 'joint_statement', title: 'Statement', texts: { en: 'Text' } } },
  'GET /api/v1/statements/:id': { who: ALL },
  'GET /api/v1/statements/:id/history': { who: ALL },
  'POST /api/v1/statements/:id/amendments': { who: ADMIN_COORDINATOR, body: { base_digest: '0'.repeat(64), texts: { en: 'Text' } } },
  'POST /api/v1/statements/:id/amendments/:aid/answer': { who: ADMIN_COORDINATOR, body: { answer: 'accept' } },
  'POST /api/v1/statements/:id/adoption': { who: ADMIN_COORDINATOR, body: { digest: '0'.repeat(64) } },
  'POST /api/v1/statements/:id/signature': { who: ADMIN_COORDINATOR },
  'POST /api/v1/statements/:id/in-force': { who: ADMIN_COORDINATOR, body: { channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' } },
  'GET /api/v1/statements/:id/document': { who: ALL },
  'GET /api/v1/statements/:id/verify': { who: ALL },
  'GET /api/v1/notifications': { who: ALL },
  'GET /api/v1/notifications/all': { who: ADMIN_AUDITOR },
  'GET /api/v1/notifications/preferences': { who: ALL },
  'PUT /api/v1/notifications/preferences': { who: ALL, body: { kinds: { 'case.deadline': 'email' } } },
  'POST /api/v1/notifications/webhook-secret': { who: ALL },
  'POST /api/v1/notifications/test': { who: ALL },
  'GET /api/v1/notifications/email-status': { who: ALL },
  'GET /api/v1/notifications/smtp': { who: ADMIN },
  'PUT /api/v1/notifications/smtp': { who: ADMIN, body: { host: '127.0.0.1', port: 1, security: 'starttls', username: 'accord', password: 'x', from: 'accord@example.org' } },
  'DELETE /api/v1/notifications/smtp': { who: ADMIN },
  'POST /api/v1/notifications/smtp/test': { who: ADMIN, body: { to: 'duty@example.org' } },
};

const REFUSED = ['urn:accord:problem:unauthenticated', 'urn:accord:problem:forbidden'];

describe.each(DIALECTS)('authorization of every route for every role on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const users = {} as Record<Role, { token: string; email: string; password: string }>;
  let victimId = '';

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false, loginRatePerMinute: 10_000 });
    app = await buildTestApp(node.ctx);
    for (const role of ROLES) users[role] = await buildUser(node.ctx, role);
    victimId = (await buildUser(node.ctx, 'analyst')).user.id;
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('lists exactly the routes the app serves', () => {
    const served = app.accessTable.filter((r) => r.method !== 'HEAD' && r.access !== undefined).map((r) => `${r.method} ${r.url}`);
    expect(served.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [route, rule] of Object.entries(EXPECTED)) {
    const [method, path] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string];
    for (const who of ['anonymous', ...ROLES] as Who[]) {
      const allowed = rule.who.includes(who);
      it(`${route} ${allowed ? 'lets in' : 'refuses'} ${who}`, async () => {
        const url = path.replace('requested-side/:node', 'requested-side/no-such-peer').replace(':id', path.includes('tokens') ? '00000000-0000-0000-0000-000000000000' : path.includes('peers') ? 'no-such-peer' : victimId);
        const payload = rule.body !== undefined ? { payload: rule.body as object } : {};
        let res;
        if (who === 'anonymous') {
          res = await app.inject({ method, url, ...payload });
        } else if (rule.session) {
          // Sign-in steps belong to a browser session (with its CSRF token), not to API tokens.
          const c = new SessionClient(app);
          await c.signIn(users[who].email, users[who].password);
          res = await c.request(method, url, rule.body);
        } else {
          res = await app.inject({ method, url, headers: { authorization: `Bearer ${users[who].token}` }, ...payload });
        }
        // TAXII routes answer TAXII error messages, which carry the problem type as error_code.
        const body = res.statusCode >= 400 ? (res.json() as { type?: string; error_code?: string }) : null;
        const type = body ? (body.type ?? body.error_code ?? null) : null;
        // Never a server error; a peer that cannot be reached is the one 5xx a route may give.
        if (res.statusCode >= 500) expect(type).toBe('urn:accord:problem:peer-unreachable');
        if (allowed) expect(REFUSED).not.toContain(type);
        else expect([res.statusCode, type]).toEqual(who === 'anonymous' ? [401, REFUSED[0]] : [403, REFUSED[1]]);
      });
    }
  }
});
