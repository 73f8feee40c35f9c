import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventDigest } from '../../src/federation/event-log/event-log.rules.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { signableDocument, signedBytes } from '../../src/statements/statements.rules.js';
import { DIALECTS } from '../_util/db.js';
import { PRESERVATION } from '../cases/_cases.js';
import { AGREEMENT, plansNode, type PlansNode } from '../plans/_plans.js';

const TEXTS = { ru: 'Стороны обмениваются запросами о сохранении данных.', en: 'The parties exchange requests for the preservation of data.' };
/** The terms the adopted agreement puts in force: preservation under Budapest only, in Russian, acknowledged within 12 hours when urgent. */
const TERMS = { channels: ['federation'], request_types: ['budapest:preservation-stored-data'], languages: ['ru'], confidentiality: 'Requests stay within the central authorities.', acknowledgement_hours: { urgent: 12 } };

/**
 * An agreement drafted by uz-cert in a group of three (kz-cert and tj-cert drive their side over
 * the wire), adopted and co-signed by all, then put in force: the group's agreement changes once
 * the charter's quorum consents, with its history, and drafts of requests are checked against it.
 */
describe.each(DIALECTS)('an adopted agreement put in force for the group (%s)', (dialect) => {
  let f: PlansNode;
  let id = '';
  let digest = '';
  let proposal: Envelope<{ event_id: string; group_id: string; created_at: string; change: unknown }>;

  beforeAll(async () => {
    f = await plansNode(dialect);
  });
  afterAll(async () => {
    await f?.close();
  });

  const ids = () => ({ group_id: f.groupId, statement_id: id });
  const get = async () => (await f.api('auditor', 'GET', `/api/v1/statements/${id}`)).json;
  const group = async () => (await f.api('auditor', 'GET', `/api/v1/groups/${f.groupId}`)).json;
  const inForce = (body: unknown = TERMS, role: 'admin' | 'coordinator' | 'officer' | 'analyst' | 'auditor' = 'coordinator') => f.api(role, 'POST', `/api/v1/statements/${id}/in-force`, body);
  const signatureOf = (who: NodeIdentity, s: { id: string; group_id: string; kind: 'joint_statement' | 'agreement'; title: string; texts: Record<string, string> }) =>
    f.event(who, 'statements.signature/v1', { ...ids(), digest, suite: 'ed25519', public_key: who.publicKeyRaw, key: who.fingerprint, value: sign(null, signedBytes(signableDocument(s)), who.privateKey).toString('base64url') });
  const consentTo = (who: NodeIdentity) =>
    f.event(who, 'groups.consent/v2', { group_id: f.groupId, proposal_id: proposal.body.event_id, proposal_author: 'uz-cert', proposal_digest: eventDigest(proposal.body) });

  it('drafts and adopts an agreement; it cannot be put in force before every party signed it', async () => {
    const r = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: f.groupId, kind: 'agreement', title: 'Соглашение о сохранении данных', texts: TEXTS });
    expect(r.status).toBe(201);
    id = r.json.id;
    digest = r.json.digest;
    expect(r.json.in_force).toBeNull();
    expect((await inForce()).json).toMatchObject({ status: 409, detail: expect.stringContaining('not adopted') });

    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/adoption`, { digest })).status).toBe(200);
    await f.deliver(f.kz, [f.event(f.kz, 'statements.consent/v1', { ...ids(), digest })]);
    await f.deliver(f.tj, [f.event(f.tj, 'statements.consent/v1', { ...ids(), digest })]);
    expect((await get()).status).toBe('adopted');
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/signature`)).status).toBe(200);
    const early = await inForce();
    expect(early.status).toBe(409);
    expect(early.json.detail).toContain('kz-cert, tj-cert must still sign');

    const s = await get();
    await f.deliver(f.kz, [signatureOf(f.kz, s)]);
    await f.deliver(f.tj, [signatureOf(f.tj, s)]);
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${id}/verify`)).json).toMatchObject({ valid: true, complete: true });
  });

  it('refuses bad terms at the field, a role that may not commit the node, and a joint statement', async () => {
    const bad = await inForce({ ...TERMS, languages: ['Russian!'], acknowledgement_hours: { urgent: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/languages/0', '/acknowledgement_hours/urgent']));
    expect((await inForce({ ...TERMS, title: 'not the adopted title' })).status).toBe(400);
    for (const role of ['officer', 'analyst', 'auditor'] as const) expect((await inForce(TERMS, role)).status).toBe(403);
    const statement = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: f.groupId, kind: 'joint_statement', title: 'Заявление', texts: { ru: 'Текст' } });
    const notAnAgreement = await f.api('coordinator', 'POST', `/api/v1/statements/${statement.json.id}/in-force`, TERMS);
    expect(notAnAgreement.status).toBe(409);
    expect(notAnAgreement.json.detail).toContain('not an agreement');
    expect((await group()).agreement).toEqual(AGREEMENT);
  });

  it('proposes the terms to the group, naming the statement and its adopted digest; nothing changes before the quorum', async () => {
    // Three requests at once make one proposal: the others find it open (checked in the group's write).
    const all = await Promise.all([inForce(), inForce(), inForce()]);
    expect(all.map((x) => x.status).sort()).toEqual([200, 409, 409]);
    const r = all.find((x) => x.status === 200)!;
    expect(r.json.in_force).toMatchObject({ proposed_by: 'uz-cert', status: 'open', consents: ['uz-cert'], needed: 3, since: null, agreement: { ...TERMS, title: 'Соглашение о сохранении данных' } });
    expect(r.json.in_force.agreement.instrument).toContain(digest.slice(0, 16));
    const sent = await f.node.ctx.store.db.selectFrom('outbox').select(['peer_id', 'envelope']).where('type', '=', 'groups.proposal/v1').execute();
    expect(sent.map((x) => x.peer_id).sort()).toEqual(['kz-cert', 'tj-cert']);
    proposal = JSON.parse(sent[0]!.envelope) as typeof proposal;
    expect(proposal.body.change).toMatchObject({ kind: 'change_agreement', source: { statement_id: id, digest } });
    expect((await inForce()).json.detail).toContain('still open');
    expect((await group()).agreement).toEqual(AGREEMENT);
  });

  it('is in force once every member consented: the group keeps the history, and drafts are checked against the new terms', async () => {
    await f.deliver(f.kz, [consentTo(f.kz)]);
    expect((await get()).in_force.status).toBe('open');
    await f.deliver(f.tj, [consentTo(f.tj)]);
    const s = await get();
    expect(s.in_force).toMatchObject({ status: 'adopted', consents: ['kz-cert', 'tj-cert', 'uz-cert'], until: null });
    expect(s.in_force.since).toEqual(expect.any(String));
    const g = await group();
    expect(g.agreement).toMatchObject(TERMS);
    expect(g.agreements.map((a: { agreement: { title: string }; source: unknown; until: string | null }) => [a.agreement.title, a.source, a.until === null])).toEqual([
      ['SCO', null, false],
      ['Соглашение о сохранении данных', { statement_id: id, digest }, true],
    ]);
    expect(g.agreements[0].until).toBe(g.agreements[1].since);

    // A preservation request under the UN Convention to kz-cert is no longer allowed; under Budapest it is.
    const un = await f.api('officer', 'POST', '/api/v1/cases/drafts', { requested: 'kz-cert', content: PRESERVATION });
    expect(un.status).toBe(400);
    expect(un.json.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([['/content/legal_basis', 'not_agreed']]);
    const budapest = await f.api('officer', 'POST', '/api/v1/cases/drafts', { requested: 'kz-cert', content: { ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 } } });
    expect(budapest.status).toBe(201);
  });

  it('a later change of the group agreement ends the term of the one put in force', async () => {
    const r = await f.api('coordinator', 'POST', `/api/v1/groups/${f.groupId}/proposals`, { kind: 'change_agreement', agreement: AGREEMENT });
    expect(r.status).toBe(201);
    const change = JSON.parse((await f.node.ctx.store.db.selectFrom('outbox').select('envelope').where('type', '=', 'groups.proposal/v1').where('peer_id', '=', 'kz-cert').orderBy('seq', 'desc').executeTakeFirstOrThrow()).envelope) as typeof proposal;
    const consent = (who: NodeIdentity) => f.event(who, 'groups.consent/v2', { group_id: f.groupId, proposal_id: change.body.event_id, proposal_author: 'uz-cert', proposal_digest: eventDigest(change.body) });
    await f.deliver(f.kz, [consent(f.kz)]);
    await f.deliver(f.tj, [consent(f.tj)]);
    const g = await group();
    expect(g.agreement).toEqual(AGREEMENT);
    expect(g.agreements).toHaveLength(3);
    const s = await get();
    expect(s.in_force).toMatchObject({ status: 'adopted', until: g.agreements[2].since });
  });
});
