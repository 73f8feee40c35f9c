import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import type { CaseEventBody, RequestContent } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { GroupProposalType } from '../../src/groups/groups.messages.js';
import type { ProposalBody } from '../../src/groups/groups.schemas.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { mlaProduction, PRESERVATION } from './_cases.js';

/** Preservation under Budapest only; MLA for production under any of its bases; in Russian; urgent requests acknowledged within 6 hours. */
const AGREEMENT = { title: 'UZ–KZ cybercrime agreement', instrument: 'Agreement of 2024', channels: ['federation'], request_types: ['budapest:preservation-stored-data', 'mla-production'], languages: ['ru'], confidentiality: '', acknowledgement_hours: { urgent: 6 } };
const UNDER_BUDAPEST: RequestContent = { ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 } };
const IN_RUSSIAN = [{ language: 'ru', fields: { facts_summary: 'Атака программы-вымогателя на больницу.' } }];

/**
 * A draft to a peer is limited by the agreements in force between the two nodes: the request
 * types and legal bases they allow (a type may be limited to one instrument, `budapest:type`)
 * and, for sending, their languages. What they do not allow is refused with the field at fault.
 */
describe.each(DIALECTS)('drafts limited by the agreement in force with the peer (%s)', (dialect) => {
  let node: TestNode, app: FastifyInstance, officer: string;
  const me = 'test-node';
  const peer = 'kz-cert';
  const other = 'tj-cert';

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
  const call = async (token: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
  const errors = (r: { json: { errors?: { pointer: string; code: string }[] } }) => (r.json.errors ?? []).map((e) => [e.pointer, e.code]);

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    await addPeerRow(node.ctx, peer);
    await addPeerRow(node.ctx, other);
    officer = (await buildUser(node.ctx, 'officer')).token;
    const coordinator = (await buildUser(node.ctx, 'coordinator')).token;
    // kz-cert proposes a bilateral group with the agreement; this node consents: the group is in force.
    const at = new Date().toISOString();
    const body: ProposalBody = { event_id: newId(), group_id: newId(), created_at: at, change: { kind: 'create', name: 'UZ–KZ', level: 'bilateral', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: [me] } };
    const e: Envelope<ProposalBody> = { v: 1, id: newId(), from: peer, to: [me], type: GroupProposalType.type, issued_at: at, body, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
    await node.ctx.store.db.transaction().execute((trx) => GroupProposalType.handle(trx, e));
    const consent = await call(coordinator, 'POST', `/api/v1/groups/${body.group_id}/proposals/${body.event_id}/consent`, {});
    expect(consent.status, JSON.stringify(consent.json)).toBeLessThan(300);
    expect((await call(officer, 'GET', `/api/v1/groups/${body.group_id}`)).json.status).toBe('active');
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it('the requested side lists each type and legal basis the agreement allows, with its languages', async () => {
    const r = await call(officer, 'GET', `/api/v1/cases/requested-side/${peer}`);
    expect(r.status).toBe(200);
    expect(r.json.agreements).toEqual([AGREEMENT.title]);
    expect(r.json.languages).toEqual(['ru']);
    const bases = (r.json.bases as { type: string; instrument: string; article?: number; languages: string[]; agreements: string[] }[]).map((b) => `${b.type} ${b.instrument} ${b.article ?? ''}`);
    expect(bases).toEqual(['preservation-stored-data budapest 29', 'mla-production un-cybercrime 44', 'mla-production un-cybercrime 40', 'mla-production budapest 31']);
    expect(r.json.bases[0]).toMatchObject({ languages: ['ru'], agreements: [AGREEMENT.title] });
    // No agreement with tj-cert: nothing is limited.
    const free = await call(officer, 'GET', `/api/v1/cases/requested-side/${other}`);
    expect(free.json).toEqual({ agreements: [], requirements: null });
  });

  it('a draft of a type or legal basis the agreement does not allow is not saved: 400 with the field at fault', async () => {
    const unBasis = await call(officer, 'POST', '/api/v1/cases/drafts', { requested: peer, content: PRESERVATION });
    expect(unBasis.status).toBe(400);
    expect(errors(unBasis)).toEqual([['/content/legal_basis', 'not_agreed']]);
    expect(unBasis.json.errors[0].message).toBe('the agreements in force with the requested node allow preservation-stored-data only under budapest art. 29, not under un-cybercrime art. 42');
    const notAType = await call(officer, 'POST', '/api/v1/cases/drafts', { requested: peer, content: { ...PRESERVATION, type: 'preservation-traffic-data', legal_basis: { instrument: 'budapest', article: 30 } } });
    expect(notAType.status).toBe(400);
    expect(errors(notAType)).toEqual([['/content/type', 'not_agreed']]);
    // The same request to a peer with no agreement is saved.
    expect((await call(officer, 'POST', '/api/v1/cases/drafts', { requested: other, content: PRESERVATION })).status).toBe(201);
  });

  it('an allowed draft is saved, but is sent only with a text in a language of the agreement', async () => {
    const d = await call(officer, 'POST', '/api/v1/cases/drafts', { requested: peer, content: UNDER_BUDAPEST });
    expect(d.status).toBe(201);
    expect(d.json.problems.map((p: { pointer: string; code: string }) => [p.pointer, p.code])).toEqual([['/translations', 'not_agreed']]);
    const refused = await call(officer, 'POST', `/api/v1/cases/drafts/${d.json.id}/send`);
    expect(refused.status).toBe(400);
    expect(errors(refused)).toEqual([['/content/translations', 'not_agreed']]);
    // Changing it to a basis the agreement does not allow is refused, and the saved draft stays as it was.
    const moved = await call(officer, 'PUT', `/api/v1/cases/drafts/${d.json.id}`, { requested: peer, content: { ...UNDER_BUDAPEST, legal_basis: { instrument: 'un-cybercrime', article: 42 } } });
    expect(moved.status).toBe(400);
    expect(errors(moved)).toEqual([['/content/legal_basis', 'not_agreed']]);
    const translated = await call(officer, 'PUT', `/api/v1/cases/drafts/${d.json.id}`, { requested: peer, content: { ...UNDER_BUDAPEST, translations: IN_RUSSIAN } });
    expect(translated.status).toBe(200);
    expect(translated.json.problems).toEqual([]);
    const sent = await call(officer, 'POST', `/api/v1/cases/drafts/${d.json.id}/send`);
    expect(sent.status).toBe(201);
    expect(sent.json.request.legal_basis).toEqual({ instrument: 'budapest', article: 29 });
    // The agreement's time to acknowledge an urgent request travels in the signed opening, not the default 24 hours.
    expect(sent.json.ack_hours).toBe(6);
    expect(Date.parse(sent.json.deadlines.ack_due) - Date.parse(sent.json.opened_at)).toBe(6 * 3_600_000);
    const envelope = await node.ctx.store.db.selectFrom('outbox').select('envelope').where('type', '=', CaseEventType.type).where('peer_id', '=', peer).executeTakeFirstOrThrow();
    expect(JSON.parse(envelope.envelope).body).toMatchObject({ action: 'open', ack_hours: 6 });
  });

  it('a type the agreement allows without an instrument goes under any of its bases', async () => {
    const mla = { ...mlaProduction('earlier'), translations: [{ language: 'ru', fields: { facts_summary: 'Атака.' } }] };
    for (const legal_basis of [{ instrument: 'un-cybercrime', article: 44 }, { instrument: 'budapest', article: 31 }]) {
      const d = await call(officer, 'POST', '/api/v1/cases/drafts', { requested: peer, content: { ...mla, legal_basis } });
      expect(d.status, JSON.stringify(d.json)).toBe(201);
      expect(d.json.problems).toEqual([]);
    }
  });
  it('as the requested node, refuses an opening the agreement does not allow, with the reason for the sender, and takes an allowed one', async () => {
    const opening = (request: RequestContent, ack?: number): Envelope<CaseEventBody> => {
      const at = new Date().toISOString();
      const body: CaseEventBody = { event_id: newId(), case_id: newId(), created_at: at, seen: [], action: 'open', requested: me, request, ...(ack !== undefined ? { ack_hours: ack } : {}) };
      return { v: 1, id: newId(), from: peer, to: [me], type: CaseEventType.type, issued_at: at, body, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
    };
    const receive = (es: Envelope<CaseEventBody>[]) => node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, es, node.ctx));
    // Its sender ignored the agreement: preservation under the UN Convention, which it allows only under Budapest.
    const unBasis = opening({ ...PRESERVATION, translations: IN_RUSSIAN });
    const notAType = opening({ ...PRESERVATION, type: 'preservation-traffic-data', legal_basis: { instrument: 'budapest', article: 30 } });
    const allowed = opening({ ...UNDER_BUDAPEST, translations: IN_RUSSIAN }, 6);
    // Acknowledgement asked sooner than the agreement's 6 hours is refused; more time is the sender's to give.
    const tooSoon = opening({ ...UNDER_BUDAPEST, translations: IN_RUSSIAN }, 2);
    const lenient = opening({ ...UNDER_BUDAPEST, translations: IN_RUSSIAN }, 48);
    const refused = await receive([unBasis, notAType, allowed, tooSoon, lenient]);
    expect(refused.get(tooSoon.id)).toBe('the opening asks for acknowledgement within 2 h; the agreements in force allow 6 h for urgent requests');
    expect(refused.has(lenient.id)).toBe(false);
    expect(refused.get(unBasis.id)).toMatch(/^no agreement in force between test-node and kz-cert allows this request: .*not under un-cybercrime art\. 42$/);
    expect(refused.get(notAType.id)).toMatch(/allows preservation-traffic-data/);
    expect(refused.has(allowed.id)).toBe(false);
    const cases = await call(officer, 'GET', `/api/v1/cases?peer=${peer}`);
    const ids = (cases.json.cases as { case_id: string }[]).map((c) => c.case_id);
    expect(ids).toContain(allowed.body.case_id);
    expect(ids).not.toContain(unBasis.body.case_id);
    expect(ids).not.toContain(notAType.body.case_id);
  });
});
