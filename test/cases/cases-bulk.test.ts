import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContent } from '../../src/cases/cases.schemas.js';
import type { ReleaseRule } from '../../src/capability.js';
import { storeEntry } from '../../src/directory/directory.repository.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { GroupProposalType } from '../../src/groups/groups.messages.js';
import type { ProposalBody } from '../../src/groups/groups.schemas.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { buildEntryInput } from '../directory/_entries.js';
import { useTwoNodes } from '../federation/_federation.js';
import { makeIdentity } from '../federation/_inbox.js';
import { adminToken, apiOf, caseWhen, foldView, mlaProduction, pinPeer, PRESERVATION } from './_cases.js';

const UNKNOWN = '0190c2d4-0000-7000-8000-000000000000';
/** In force with am-cert: preservation only under Budapest, in Russian, urgent ones acknowledged within 6 hours. */
const AGREEMENT = { title: 'UZ–AM agreement', instrument: 'Agreement of 2024', channels: ['federation'], request_types: ['budapest:preservation-stored-data'], languages: ['ru'], confidentiality: '', acknowledgement_hours: { urgent: 6 } };
const UNDER_BUDAPEST: RequestContent = { ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 }, translations: [{ language: 'ru', fields: { facts_summary: 'Атака на больницу.' } }] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
type Res = { status: number; type: string; json: any };
type Counted = 'outbox' | 'case_events' | 'audit_log' | 'case_drafts';

/**
 * POST /api/v1/cases opens many requests at once and POST /api/v1/cases/actions takes many
 * actions at once: each checked, signed, audited and queued as one at a time would be, in the
 * order given, and all or none: a refusal anywhere leaves nothing signed, queued or audited.
 */
describe.each(DIALECTS)('bulk opening and actions on cases (%s)', (dialect) => {
  let node: TestNode, app: FastifyInstance, fourEyes: TestNode, fourEyesApp: FastifyInstance;
  let coord: { id: string; token: string }, member: { id: string; token: string }, outsider: string, fourEyesToken: string;
  // kz-cert and kg-cert take anything; am-cert has an agreement with this node; tm-cert a requirements profile.
  const [kz, kg, am, tm, me] = ['kz-cert', 'kg-cert', 'am-cert', 'tm-cert', 'uz-cert'];

  const call = async (on: FastifyInstance, token: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<Res> => {
    const res = await on.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, type: String(res.headers['content-type']), json: res.body ? res.json() : null };
  };
  const open = (requests: unknown, token = coord.token) => call(app, token, 'POST', '/api/v1/cases', { requests });
  const actMany = (actions: unknown, token = coord.token) => call(app, token, 'POST', '/api/v1/cases/actions', { actions });
  const getCase = async (id: string) => (await call(app, coord.token, 'GET', `/api/v1/cases/${id}`)).json;
  const subjectOf = (i: number): RequestContent => ({ ...PRESERVATION, subject: `Bulk request ${i}` });
  /** Opens `n` preservation requests in one call, to kz-cert unless `peers` says otherwise; their case ids in order. */
  const openMany = async (n: number, peers: string[] = []): Promise<string[]> => {
    const r = await open(Array.from({ length: n }, (_, i) => ({ requested: peers[i] ?? kz, content: subjectOf(i) })));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json.cases.map((c: { id: string }) => c.id);
  };
  /** Rows of what a call signs, queues, audits or drafts, and the sequence numbers it reserves per peer. */
  const counts = async (n: TestNode = node): Promise<Record<Counted | 'next_seq', number | string>> => {
    const db = n.ctx.store.db;
    const out = {} as Record<Counted | 'next_seq', number | string>;
    for (const t of ['outbox', 'case_events', 'audit_log', 'case_drafts'] as const) {
      out[t] = Number((await db.selectFrom(t as 'outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    }
    out.next_seq = (await db.selectFrom('peers').select(['node_id', 'next_seq']).orderBy('node_id').execute()).map((p) => `${p.node_id}:${p.next_seq}`).join(' ');
    return out;
  };
  const delta = (a: Record<string, number | string>, b: Record<string, number | string>, ...keys: Counted[]) => keys.map((k) => Number(b[k]) - Number(a[k]));
  const auditOf = (caseId: string) => node.ctx.store.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('target', '=', `case:${caseId}`).where('action', '!=', 'case.read').orderBy('seq').execute();
  /** Runs `fn` while the release gate refuses everything to `peer`: a refusal met while signing, after other peers' messages were queued. */
  const refusingReleaseTo = async <T>(peer: string, fn: () => Promise<T>): Promise<T> => {
    const rules = node.ctx.catalog.releaseRules as ReleaseRule[];
    const rule: ReleaseRule = (_ctx, q) => q.peer !== peer || 'held back by the test';
    rules.push(rule);
    try {
      return await fn();
    } finally {
      rules.splice(rules.indexOf(rule), 1);
    }
  };
  const pointers = (r: Res) => (r.json.errors as { pointer: string; code: string }[]).map((e) => `${e.pointer} ${e.code}`);

  beforeAll(async () => {
    node = await createTestNode(dialect, {}, me);
    app = await buildTestApp(node.ctx);
    for (const p of [kz, kg, am, tm]) await pinPeer(node.ctx.store.db, makeIdentity(p));
    const c = await buildUser(node.ctx, 'coordinator');
    coord = { id: c.user.id, token: c.token };
    // tm-cert's directory entry asks for an extra field and a Russian text (test/cases/requirements-profile.test.ts).
    const requirements = { languages: ['ru'], request_types: ['preservation-stored-data'], extra_fields: [{ id: 'prosecutor_approval', request_types: ['preservation-stored-data'], label: { en: 'Approval of the prosecutor' } }], send_to: [], typical_days: [] };
    const { groups: _g, valid_days: _v, ...entry } = buildEntryInput();
    await storeEntry(node.ctx.store.db, { ...entry, node_id: tm, country: 'TM', version: 1, published_at: new Date().toISOString(), valid_until: new Date(Date.now() + 86_400_000).toISOString(), requirements }, { envelope: '{}', isOwn: false });
    // am-cert proposes a bilateral group with the agreement and this node consents (test/cases/agreement-limits.test.ts).
    const at = new Date().toISOString();
    const body: ProposalBody = { event_id: newId(), group_id: newId(), created_at: at, change: { kind: 'create', name: 'UZ–AM', level: 'bilateral', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: [me] } };
    const proposal: Envelope<ProposalBody> = { v: 1, id: newId(), from: am, to: [me], type: GroupProposalType.type, issued_at: at, body, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
    await node.ctx.store.db.transaction().execute((trx) => GroupProposalType.handle(trx, proposal));
    expect((await call(app, coord.token, 'POST', `/api/v1/groups/${body.group_id}/proposals/${body.event_id}/consent`, {})).status).toBeLessThan(300);
    const m = await buildUser(node.ctx, 'officer');
    member = { id: m.user.id, token: m.token };
    outsider = (await buildUser(node.ctx, 'officer')).token;
    fourEyes = await createTestNode(dialect, { casesFourEyes: true }, me);
    fourEyesApp = await buildTestApp(fourEyes.ctx);
    await pinPeer(fourEyes.ctx.store.db, makeIdentity(kz));
    fourEyesToken = (await buildUser(fourEyes.ctx, 'coordinator')).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
    await fourEyesApp?.close();
    await fourEyes?.close();
  });

  it('opens every request in the order given: each case reads as sent, with its sent draft, its audit entry and its event queued to its peer', async () => {
    const requests = [
      { requested: kz, content: subjectOf(0) },
      { requested: kg, content: mlaProduction('0190c2d4-1111-7000-8000-000000000000') },
      { requested: kz, content: subjectOf(2) },
    ];
    const before = await counts();
    const r = await open(requests);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const cases = r.json.cases as { id: string; draft_id: string; event_id: string; requested: string; status: string; verification_code: string }[];
    expect(cases.map((c) => [c.requested, c.status])).toEqual([[kz, 'sent'], [kg, 'sent'], [kz, 'sent']]);
    expect(new Set(cases.map((c) => c.id)).size).toBe(3);
    expect(delta(before, await counts(), 'outbox', 'case_events', 'case_drafts')).toEqual([3, 3, 3]);
    for (const [i, c] of cases.entries()) {
      const detail = await getCase(c.id);
      expect(detail).toMatchObject({ id: c.id, status: c.status, my_party: 'requesting', requesting: me, requested: requests[i]!.requested, request: { subject: requests[i]!.content.subject }, verification_code: c.verification_code });
      expect(detail.history.map((h: { event_id: string; action: string }) => [h.event_id, h.action])).toEqual([[c.event_id, 'open']]);
      const draft = await node.ctx.store.db.selectFrom('case_drafts').selectAll().where('id', '=', c.draft_id).executeTakeFirstOrThrow();
      expect(draft).toMatchObject({ status: 'sent', created_by: `user:${coord.id}`, case_id: c.id, requested: c.requested });
      expect(JSON.parse(draft.content)).toEqual(requests[i]!.content);
      const audit = await auditOf(c.id);
      expect(audit.map((a) => [a.action, a.actor])).toEqual([['case.send', `user:${coord.id}`]]);
      expect(JSON.parse(audit[0]!.details)).toMatchObject({ draft: c.draft_id, requested: c.requested, type: requests[i]!.content.type });
      const queued = await node.ctx.store.db.selectFrom('outbox').select(['peer_id', 'state']).where('envelope', 'like', `%${c.event_id}%`).execute();
      expect(queued).toEqual([{ peer_id: c.requested, state: 'pending' }]);
    }
  });

  it('refuses the whole list when one request is incomplete, goes to this node or to a non-peer (400 naming it), or is held back while signing: nothing sent', async () => {
    const { facts_summary: _f, ...fields } = PRESERVATION.fields;
    const good = (i: number) => ({ requested: kz, content: subjectOf(i) });
    const before = await counts();
    const incomplete = await open([good(0), good(1), good(2), { requested: kz, content: { ...PRESERVATION, fields } }]);
    expect([incomplete.status, incomplete.type]).toEqual([400, expect.stringContaining('application/problem+json')]);
    expect(pointers(incomplete)).toEqual(['/requests/3/content/fields/facts_summary missing']);
    const self = await open([good(0), good(1), { requested: me, content: subjectOf(2) }]);
    expect([self.status, pointers(self)]).toEqual([400, ['/requests/2/requested self']]);
    const stranger = await open([good(0), { requested: 'tj-cert', content: subjectOf(1) }, good(2), { requested: 'tj-cert', content: subjectOf(3) }]);
    expect([stranger.status, pointers(stranger)]).toEqual([400, ['/requests/1/requested unknown_peer', '/requests/3/requested unknown_peer']]);
    // Every problem of every request at once, so that a system fixes its whole list in one go.
    const several = await open([{ requested: kz, content: { ...PRESERVATION, fields } }, good(1), { requested: me, content: subjectOf(2) }, { requested: kz, content: { ...PRESERVATION, fields } }]);
    expect([several.status, pointers(several)]).toEqual([400, ['/requests/0/content/fields/facts_summary missing', '/requests/2/requested self', '/requests/3/content/fields/facts_summary missing']]);
    expect(several.json.detail).toMatch(/^3 of the 4 requests cannot go yet: /);
    // Refused while signing, after the requests to kz-cert were queued: those are undone too.
    const held = await refusingReleaseTo(kg, () => open([good(0), { requested: kg, content: subjectOf(1) }]));
    expect([held.status, held.json.type]).toEqual([403, 'urn:accord:problem:release-refused']);
    expect(await counts()).toEqual(before);
  });

  it("checks each request against the agreements and the profile of its own peer, and opens it with the agreement's deadline", async () => {
    const before = await counts();
    const agreed = await open([{ requested: kz, content: PRESERVATION }, { requested: am, content: PRESERVATION }]);
    expect([agreed.status, pointers(agreed)]).toEqual([400, ['/requests/1/content/legal_basis not_agreed']]);
    const profiled = await open([{ requested: am, content: UNDER_BUDAPEST }, { requested: tm, content: PRESERVATION }]);
    expect([profiled.status, pointers(profiled)]).toEqual([400, ['/requests/1/content/fields/prosecutor_approval missing', '/requests/1/content/translations missing']]);
    expect(await counts()).toEqual(before);
    const ok = await open([{ requested: kz, content: PRESERVATION }, { requested: am, content: UNDER_BUDAPEST }, { requested: tm, content: { ...UNDER_BUDAPEST, fields: { ...UNDER_BUDAPEST.fields, prosecutor_approval: 'Approved, 28.11.2026' } } }]);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect(await Promise.all(ok.json.cases.map(async (c: { id: string }) => (await getCase(c.id)).ack_hours))).toEqual([null, 6, null]);
  });

  it('refuses a request list that does not fit the schema: 400, nothing sent; takes 200 at once', async () => {
    const before = await counts();
    const badPriority = await open([{ requested: kz, content: PRESERVATION }, { requested: kz, content: { ...PRESERVATION, priority: 'whenever' } }]);
    expect(badPriority.status).toBe(400);
    expect(pointers(badPriority).some((p) => p.startsWith('/requests/1/content/priority'))).toBe(true);
    for (const [what, body] of [
      ['empty', { requests: [] }],
      ['201 requests', { requests: Array.from({ length: 201 }, () => ({ requested: kz, content: PRESERVATION })) }],
      ['unknown item property', { requests: [{ requested: kz, content: PRESERVATION, case_id: UNKNOWN }] }],
      ['unknown top property', { requests: [{ requested: kz, content: PRESERVATION }], dry_run: true }],
      ['malformed node', { requests: [{ requested: 'Not A Node', content: PRESERVATION }] }],
      ['no requests', {}],
    ] as const) {
      expect((await call(app, coord.token, 'POST', '/api/v1/cases', body)).status, what).toBe(400);
    }
    expect(await counts()).toEqual(before);
    expect(await openMany(200)).toHaveLength(200);
  });

  it('with four-eyes on, refuses to open any: 409, nothing sent', async () => {
    const before = await counts(fourEyes);
    const r = await call(fourEyesApp, fourEyesToken, 'POST', '/api/v1/cases', { requests: [{ requested: kz, content: PRESERVATION }] });
    expect([r.status, r.json.type]).toEqual([409, 'urn:accord:problem:conflict']);
    expect(r.json.detail).toMatch(/four-eyes/);
    expect(await counts(fourEyes)).toEqual(before);
  });

  it('takes actions in order, several on one case each seeing the one before, and answers each with the status it leaves', async () => {
    const [x, y] = (await openMany(2)) as [string, string];
    const before = await counts();
    const r = await actMany([
      { case_id: x, action: 'message', text: 'The logs are large: they follow by courier.' },
      { case_id: y, action: 'message', text: 'Any news?' },
      { case_id: x, action: 'close', note: 'Settled.' },
    ]);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const events = r.json.events as { case_id: string; event_id: string; action: string; status: string }[];
    expect(events.map((e) => [e.case_id, e.action, e.status])).toEqual([[x, 'message', 'sent'], [y, 'message', 'sent'], [x, 'close', 'closed']]);
    expect(delta(before, await counts(), 'outbox', 'case_events', 'case_drafts')).toEqual([3, 3, 0]);
    expect((await auditOf(x)).map((a) => [a.action, a.actor])).toEqual([['case.send', `user:${coord.id}`], ['case.message', `user:${coord.id}`], ['case.close', `user:${coord.id}`]]);
    expect((await auditOf(y)).map((a) => a.action)).toEqual(['case.send', 'case.message']);

    const cx = await getCase(x);
    expect(cx.status).toBe('closed');
    const hx = cx.history as { event_id: string; action: string; body: { seen: { author: string; event_id: string }[] } }[];
    expect(hx.map((h) => [h.event_id, h.action])).toEqual([[hx[0]!.event_id, 'open'], [events[0]!.event_id, 'message'], [events[2]!.event_id, 'close']]);
    expect(hx[1]!.body.seen).toEqual([{ author: me, event_id: hx[0]!.event_id }]);
    expect(hx[2]!.body.seen).toEqual([{ author: me, event_id: events[0]!.event_id }]);
    const cy = await getCase(y);
    expect([cy.status, cy.history.map((h: { event_id: string }) => h.event_id).at(-1)]).toEqual(['sent', events[1]!.event_id]);
  });

  it('refuses the whole list when the rules refuse one action (409 naming its place) or one is held back while signing: nothing signed', async () => {
    const [x, y] = (await openMany(2, [kz, kg])) as [string, string];
    const before = await counts();
    const ack = await actMany([{ case_id: x, action: 'message', text: 'Hello.' }, { case_id: y, action: 'acknowledge' }]);
    expect([ack.status, ack.type, ack.json.detail]).toEqual([409, expect.stringContaining('application/problem+json'), 'acknowledge is for the requested party (actions/1)']);
    const late = await actMany([{ case_id: x, action: 'close' }, { case_id: y, action: 'message', text: 'Hello.' }, { case_id: x, action: 'withdraw', reasons: 'Too late.' }]);
    expect([late.status, late.json.detail]).toEqual([409, 'the case is closed (actions/2)']);
    // Refused while signing, after the close of x was queued for kz-cert: undone too.
    const held = await refusingReleaseTo(kg, () => actMany([{ case_id: x, action: 'close' }, { case_id: y, action: 'message', text: 'Hello.' }]));
    expect([held.status, held.json.type]).toEqual([403, 'urn:accord:problem:release-refused']);
    expect(await counts()).toEqual(before);
    for (const id of [x, y]) expect((await getCase(id)).history.map((h: { action: string }) => h.action)).toEqual(['open']);
  });

  it('two lists withdrawing the same cases in opposite orders, raced by single withdrawals: each case withdrawn once, no deadlock', async () => {
    const [x, y, z] = (await openMany(3)) as [string, string, string];
    const withdraw = (id: string) => ({ case_id: id, action: 'withdraw', reasons: 'No longer needed.' });
    const calls = await Promise.all([
      actMany([x, y, z].map(withdraw)),
      actMany([z, y, x].map(withdraw)),
      ...[y, y, z].map((id) => call(app, coord.token, 'POST', `/api/v1/cases/${id}/actions`, { action: 'withdraw', reasons: 'No longer needed.' })),
    ]);
    // Every call either took all it asked for or was refused whole because a case was withdrawn already; none failed otherwise.
    expect(calls.map((c) => c.status).filter((st) => st !== 200 && st !== 409)).toEqual([]);
    const took = [[x, y, z], [z, y, x], [y], [y], [z]].filter((_, i) => calls[i]!.status === 200);
    expect(took.length).toBeGreaterThan(0);
    for (const id of [x, y, z]) {
      // At most one call withdrew each case (x, only in the lists, stays open when both lost), and the case shows just that.
      const by = took.filter((ids) => ids.includes(id)).length;
      expect(by, `calls that withdrew ${id}`).toBeLessThanOrEqual(1);
      const c = await getCase(id);
      expect([c.status, c.history.map((h: { action: string }) => h.action)]).toEqual(by ? ['withdrawn', ['open', 'withdraw']] : ['sent', ['open']]);
    }
    // y and z are asked for by single calls too: whoever lost, they end withdrawn.
    for (const id of [y, z]) expect((await getCase(id)).status).toBe('withdrawn');
  });

  it('answers 404 for an unknown case anywhere in the list, nothing signed', async () => {
    const [x] = (await openMany(1)) as [string];
    const before = await counts();
    const r = await actMany([{ case_id: x, action: 'message', text: 'Hello.' }, { case_id: UNKNOWN, action: 'message', text: 'Hello.' }]);
    expect([r.status, r.json.type]).toEqual([404, 'urn:accord:problem:not-found']);
    expect(r.json.detail).toBe(`case ${UNKNOWN} does not exist`);
    expect(await counts()).toEqual(before);
  });

  it('answers an officer outside a case team 404 for the whole list, nothing signed; a member of the team takes the same list', async () => {
    const [x, y] = (await openMany(2)) as [string, string];
    expect((await call(app, coord.token, 'PUT', `/api/v1/cases/${y}/team`, { user_ids: [member.id] })).status).toBe(200);
    const list = [{ case_id: x, action: 'message', text: 'Open case.' }, { case_id: y, action: 'message', text: 'Team case.' }];
    const before = await counts();
    const refused = await actMany(list, outsider);
    expect([refused.status, refused.json.type, refused.json.detail]).toEqual([404, 'urn:accord:problem:not-found', `case ${y} does not exist`]);
    expect(await counts()).toEqual(before);
    const taken = await actMany(list, member.token);
    expect([taken.status, taken.json.events?.map((e: { case_id: string }) => e.case_id)]).toEqual([200, [x, y]]);
  });

  it('refuses an action list that does not fit the schema: 400, nothing signed; takes 200 at once', async () => {
    const [x] = (await openMany(1)) as [string];
    const msg = { case_id: x, action: 'message', text: 'Hello.' };
    const before = await counts();
    for (const [what, body] of [
      ['empty', { actions: [] }],
      ['201 actions', { actions: Array.from({ length: 201 }, () => msg) }],
      ['unknown property', { actions: [{ ...msg, urgent: true }] }],
      ['unknown top property', { actions: [msg], atomic: false }],
      ['no case_id', { actions: [{ action: 'message', text: 'Hello.' }] }],
      ['case_id not a UUID', { actions: [{ ...msg, case_id: 'not-a-case' }] }],
      ['unknown action', { actions: [{ case_id: x, action: 'fly' }] }],
      ['action without its fields', { actions: [{ case_id: x, action: 'message' }] }],
      ['no actions', {}],
    ] as const) {
      expect((await call(app, coord.token, 'POST', '/api/v1/cases/actions', body)).status, what).toBe(400);
    }
    expect(await counts()).toEqual(before);
    const most = await actMany(Array.from({ length: 200 }, (_, i) => ({ ...msg, text: `Message ${i}` })));
    expect([most.status, most.json.events?.length]).toEqual([200, 200]);
    expect((await getCase(x)).history.map((h: { body: { text?: string } }) => h.body.text).slice(-2)).toEqual(['Message 198', 'Message 199']);
  });
});

/** The same calls between two node processes: the requested node ends with the same cases, event for event. */
describe('bulk opening and actions between two node processes (sqlite)', () => {
  const fx = useTwoNodes('sqlite');

  it('three cases opened in one call, then messaged and closed in one more, fold the same on the requested node', async () => {
    const a = apiOf(fx.a, adminToken(fx.a));
    const b = apiOf(fx.b, adminToken(fx.b));
    const opened = await a('POST', '/api/v1/cases', { requests: [0, 1, 2].map((i) => ({ requested: fx.b.nodeId, content: { ...PRESERVATION, subject: `Bulk request ${i}` } })) });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const cases = opened.json.cases as { id: string; event_id: string; verification_code: string }[];
    const acted = await a('POST', '/api/v1/cases/actions', { actions: cases.flatMap((c) => [{ case_id: c.id, action: 'message', text: 'Details follow.' }, { case_id: c.id, action: 'close' }]) });
    expect(acted.status, JSON.stringify(acted.json)).toBe(200);
    const events = acted.json.events as { event_id: string; status: string }[];
    expect(events.map((e) => e.status)).toEqual(['sent', 'closed', 'sent', 'closed', 'sent', 'closed']);
    for (const [i, c] of cases.entries()) {
      const onB = await caseWhen(b, c.id, `case ${i} closed on B`, (x) => x.status === 'closed');
      expect(onB).toMatchObject({ my_party: 'requested', peer: fx.a.nodeId, request: { subject: `Bulk request ${i}` }, verification_code: c.verification_code });
      expect(onB.history.map((h: { event_id: string; action: string }) => [h.event_id, h.action])).toEqual([[c.event_id, 'open'], [events[2 * i]!.event_id, 'message'], [events[2 * i + 1]!.event_id, 'close']]);
      expect(foldView(onB)).toEqual(foldView((await a('GET', `/api/v1/cases/${c.id}`)).json));
    }
  });
});
