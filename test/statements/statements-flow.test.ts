import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventDigest } from '../../src/federation/event-log/event-log.rules.js';
import { newMessageId, verifyEnvelopeSignature, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { relayStatementHistory } from '../../src/statements/statements.jobs.js';
import { signableDocument, signedBytes, verifyStatementDocument } from '../../src/statements/statements.rules.js';
import { DIALECTS } from '../_util/db.js';
import { plansNode, type PlansNode } from '../plans/_plans.js';

const TEXTS = { en: 'The parties shall cooperate on ICT security.', ru: 'Стороны сотрудничают в области безопасности ИКТ.' };
const RU1 = 'Стороны тесно сотрудничают в области безопасности ИКТ.';
const UZ = 'Tomonlar AKT xavfsizligi sohasida hamkorlik qiladilar.';

/**
 * A joint statement drafted, amended, adopted and co-signed by uz-cert (a real node, driven
 * through its API) with kz-cert and tj-cert (the group's other members, whose events arrive over
 * the wire signed with the protocol's own code); kg-cert is a peer outside the group. The group's
 * charter quorum is `all`.
 */
describe.each(DIALECTS)('joint statements between the members of a group (%s)', (dialect) => {
  let f: PlansNode;
  let id = '';
  let d0 = '';
  let d1 = '';
  let kzAmendment: Envelope;

  beforeAll(async () => {
    f = await plansNode(dialect);
  });
  afterAll(async () => {
    await f?.close();
  });

  const stored = async () => Number((await f.node.ctx.store.db.selectFrom('statement_events').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const get = async () => (await f.api('auditor', 'GET', `/api/v1/statements/${id}`)).json;
  const ids = () => ({ group_id: f.groupId, statement_id: id });
  const desk = async (role: 'coordinator' | 'analyst') => ((await f.api(role, 'GET', '/api/v1/desk')).json.items as { kind: string; id: string; params: Record<string, unknown> }[]).filter((i) => i.kind.startsWith('statements.'));
  const outbox = async (type: string) => (await f.node.ctx.store.db.selectFrom('outbox').select('peer_id').where('type', '=', type).execute()).map((r) => r.peer_id).sort();
  const signatureOf = (who: NodeIdentity, s: { id: string; group_id: string; kind: 'joint_statement' | 'agreement'; title: string; texts: Record<string, string> }, digest: string) =>
    f.event(who, 'statements.signature/v1', { ...ids(), digest, suite: 'ed25519', public_key: who.publicKeyRaw, key: who.fingerprint, value: sign(null, signedBytes(signableDocument(s)), who.privateKey).toString('base64url') });

  it('drafts a statement with its language versions and sends it to the two other members', async () => {
    const r = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: f.groupId, kind: 'joint_statement', title: 'Совместное заявление о безопасности ИКТ', texts: TEXTS });
    expect(r.status).toBe(201);
    id = r.json.id;
    d0 = r.json.digest;
    expect(r.json).toMatchObject({ kind: 'joint_statement', author: 'uz-cert', status: 'drafting', texts: TEXTS, needed: 3, members: ['kz-cert', 'tj-cert', 'uz-cert'], versions: [{ digest: d0, amendment_id: null }] });
    expect(await outbox('statements.statement/v1')).toEqual(['kz-cert', 'tj-cert']);
    expect((await f.api('analyst', 'GET', '/api/v1/statements')).json).toEqual([expect.objectContaining({ id, languages: ['en', 'ru'], open_amendments: 0, signed_by: [] })]);
  });

  it('refuses bad input with the fields at fault, a stale digest, and a role that may not write', async () => {
    const bad = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: f.groupId, kind: 'treaty', title: '', texts: { english: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/kind', '/title']));
    const noGroup = await f.api('coordinator', 'POST', '/api/v1/statements', { group_id: '01900000-0000-7000-8000-000000000000', kind: 'agreement', title: 'x', texts: { en: 'x' } });
    expect(noGroup).toMatchObject({ status: 400, json: { errors: [expect.objectContaining({ pointer: '/group_id' })] } });
    const stale = await f.api('coordinator', 'POST', `/api/v1/statements/${id}/amendments`, { base_digest: 'a'.repeat(64), texts: { ru: RU1 } });
    expect(stale).toMatchObject({ status: 409, json: { type: 'urn:accord:problem:stale-version' } });
    const same = await f.api('coordinator', 'POST', `/api/v1/statements/${id}/amendments`, { base_digest: d0, texts: { en: TEXTS.en } });
    expect(same.status).toBe(400);
    expect((await f.api('officer', 'POST', `/api/v1/statements/${id}/adoption`, { digest: d0 })).status).toBe(403);
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/signature`)).status).toBe(409);
    expect(await desk('coordinator')).toEqual([]);
    expect((await f.api('analyst', 'GET', `/api/v1/statements/${id}/document`)).status).toBe(409);
  });

  it('applies a member’s amendment once every member accepted it, and never one on a stale digest', async () => {
    kzAmendment = f.event(f.kz, 'statements.amendment/v1', { ...ids(), base_digest: d0, texts: { ru: RU1, uz: UZ } });
    const tjAmendment = f.event(f.tj, 'statements.amendment/v1', { ...ids(), base_digest: d0, texts: { en: 'The parties cooperate.' } });
    expect((await f.deliver(f.kz, [kzAmendment])).json.items[0]!.status).toBe('accepted');
    expect((await f.deliver(f.tj, [tjAmendment])).json.items[0]!.status).toBe('accepted');
    const kzId = (kzAmendment.body as { event_id: string }).event_id;
    expect((await desk('coordinator')).map((i) => [i.kind, i.id, i.params.languages])).toEqual([
      ['statements.amendment_to_answer', kzId, 'ru, uz'],
      ['statements.amendment_to_answer', (tjAmendment.body as { event_id: string }).event_id, 'en'],
    ]);
    expect(await desk('analyst')).toEqual([]);
    const r = await f.api('coordinator', 'POST', `/api/v1/statements/${id}/amendments/${kzId}/answer`, { answer: 'accept' });
    expect(r.status).toBe(200);
    expect(r.json.amendments.find((a: { id: string }) => a.id === kzId)).toMatchObject({ status: 'open', accepts: ['kz-cert', 'uz-cert'] });
    expect(await outbox('statements.answer/v1')).toEqual(['kz-cert', 'tj-cert']);
    await f.deliver(f.tj, [f.event(f.tj, 'statements.answer/v1', { ...ids(), amendment_id: kzId, amendment_author: 'kz-cert', answer: 'accept', reason: '' })]);
    const s = await get();
    d1 = s.digest;
    expect(d1).not.toBe(d0);
    expect(s.texts).toEqual({ ...TEXTS, ru: RU1, uz: UZ });
    expect(s.amendments.map((a: { author: string; status: string }) => [a.author, a.status])).toEqual([['kz-cert', 'accepted'], ['tj-cert', 'stale']]);
    // The stale amendment can no longer be answered.
    const tjId = (tjAmendment.body as { event_id: string }).event_id;
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/amendments/${tjId}/answer`, { answer: 'accept' })).status).toBe(409);
  });

  it('stores a duplicate once and refuses a tampered event, a non-member’s and a signature with another node’s key', async () => {
    const before = await stored();
    expect((await f.deliver(f.kz, [kzAmendment])).json.items[0]!.status).toBe('duplicate');
    const tampered = { ...kzAmendment, id: newMessageId(), body: { ...(kzAmendment.body as object), texts: { ru: 'Подделка' } } } as Envelope;
    expect((await f.deliver(f.kz, [tampered])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'bad_signature' });
    const outsider = f.event(f.kg, 'statements.adoption/v1', { ...ids(), digest: d1 });
    const r = await f.deliver(f.kg, [outsider]);
    expect(r.json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
    expect(r.json.items[0]!.detail).toContain('kg-cert is not a member of group');
    const s = await get();
    const borrowed = signatureOf(f.tj, s, d1);
    const withKzKey = f.event(f.tj, 'statements.signature/v1', { ...(borrowed.body as object), event_id: newMessageId(), public_key: f.kz.publicKeyRaw, key: f.kz.fingerprint });
    expect((await f.deliver(f.tj, [withKzKey])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
    expect(await stored()).toBe(before);
  });

  it('adopts the version every member consented to, then each party’s node signs it', async () => {
    // A consent to the old version does not count.
    await f.deliver(f.tj, [f.event(f.tj, 'statements.consent/v1', { ...ids(), digest: d0 })]);
    await f.deliver(f.kz, [f.event(f.kz, 'statements.adoption/v1', { ...ids(), digest: d1 })]);
    expect((await desk('coordinator')).map((i) => [i.kind, i.params.author])).toEqual([['statements.adoption_to_consent', 'kz-cert']]);
    const mine = await f.api('admin', 'POST', `/api/v1/statements/${id}/adoption`, { digest: d1 });
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ status: 'drafting', i_consented: true, consents: { [d1]: ['kz-cert', 'uz-cert'] } });
    expect(await outbox('statements.consent/v1')).toEqual(['kz-cert', 'tj-cert']);
    expect((await f.api('admin', 'POST', `/api/v1/statements/${id}/adoption`, { digest: d1 })).status).toBe(409);
    await f.deliver(f.tj, [f.event(f.tj, 'statements.consent/v1', { ...ids(), digest: d1 })]);
    const adopted = await get();
    expect(adopted).toMatchObject({ status: 'adopted', adopted_digest: d1, parties: ['kz-cert', 'tj-cert', 'uz-cert'], i_must_sign: true });
    // Nothing changes the adopted text.
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/amendments`, { base_digest: d1, texts: { en: 'x' } })).status).toBe(409);

    expect((await desk('coordinator')).map((i) => [i.kind, i.id])).toEqual([['statements.to_sign', id]]);
    const signed = await f.api('coordinator', 'POST', `/api/v1/statements/${id}/signature`);
    expect(signed.status).toBe(200);
    expect(signed.json.signatures).toEqual([expect.objectContaining({ node: 'uz-cert', key: f.node.ctx.identity.fingerprint })]);
    expect(await outbox('statements.signature/v1')).toEqual(['kz-cert', 'tj-cert']);
    expect((await f.api('coordinator', 'POST', `/api/v1/statements/${id}/signature`)).status).toBe(409);
    expect(await desk('coordinator')).toEqual([]);
    const partial = await f.api('auditor', 'GET', `/api/v1/statements/${id}/verify`);
    expect(partial.json).toMatchObject({ valid: true, complete: false, signed_by: ['uz-cert'] });
    expect(partial.json.problems.map((p: { part: string }) => p.part)).toEqual(['parties.kz-cert', 'parties.tj-cert']);

    await f.deliver(f.kz, [signatureOf(f.kz, adopted, d1)]);
    await f.deliver(f.tj, [signatureOf(f.tj, adopted, d1)]);
    const v = await f.api('analyst', 'GET', `/api/v1/statements/${id}/verify`);
    expect(v.json).toEqual({ valid: true, complete: true, languages: ['en', 'ru', 'uz'], signed_by: ['uz-cert', 'kz-cert', 'tj-cert'], problems: [] });
  });

  it('gives the co-signed document as JSON, which fails verification naming the language whose text was altered', async () => {
    const res = await f.app.inject({ method: 'GET', url: `/api/v1/statements/${id}/document`, headers: f.headers.auditor });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`statement-${id}.json`);
    const doc = res.json();
    expect(doc).toMatchObject({ format: 'accord.statement-document/v1', digest: d1, texts: { en: TEXTS.en, ru: RU1, uz: UZ }, parties: ['kz-cert', 'tj-cert', 'uz-cert'] });
    expect(doc.signatures.map((x: { node: string; public_key: string }) => [x.node, x.public_key])).toEqual([['uz-cert', f.node.ctx.identity.publicKeyRaw], ['kz-cert', f.kz.publicKeyRaw], ['tj-cert', f.tj.publicKeyRaw]]);
    expect(verifyStatementDocument(doc).complete).toBe(true);
    const altered = verifyStatementDocument({ ...doc, texts: { ...doc.texts, uz: 'Tomonlar hamkorlik qilmaydilar.' } });
    expect(altered).toMatchObject({ valid: false, problems: [{ part: 'texts.uz', problem: 'altered' }] });
  });

  it('keeps only the latest events in the detail, without envelopes, and pages the whole signed history with each envelope', async () => {
    type Entry = { event_id: string; type: string; author: string; counted: boolean; not_counted_because: string | null; signature: { value: string }; envelope?: Envelope };
    const total = await stored();
    const detail = await get();
    expect(detail.history_total).toBe(total);
    expect(detail.history).toHaveLength(Math.min(20, total));
    expect(detail.history.every((h: Entry) => !('envelope' in h))).toBe(true);
    expect(detail.history.at(-1)).toMatchObject({ type: 'signature', counted: true });

    const pages: Entry[][] = [];
    let after: string | null = null;
    do {
      const r = await f.api('analyst', 'GET', `/api/v1/statements/${id}/history?limit=4${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.json.total).toBe(total);
      pages.push(r.json.entries);
      after = r.json.next;
    } while (after && pages.length <= total);
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    const all = pages.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all.map((e) => `${e.author} ${e.event_id}`)).size).toBe(total);
    // The last of the whole history is the last the detail shows; each envelope is the one its author signed.
    expect(all.slice(-detail.history.length).map((e) => e.event_id)).toEqual(detail.history.map((h: Entry) => h.event_id));
    const keys: Record<string, NodeIdentity> = { 'kz-cert': f.kz, 'tj-cert': f.tj, 'uz-cert': f.node.ctx.identity };
    for (const e of all) {
      expect(e.envelope!.from).toBe(e.author);
      expect((e.envelope!.body as { event_id: string }).event_id).toBe(e.event_id);
      expect(e.envelope!.sig.value).toBe(e.signature.value);
      expect(verifyEnvelopeSignature(e.envelope!, keys[e.author]!.publicKey)).toBe(true);
    }
    // tj-cert's consent to the version before the amendment is kept, not counted, with why.
    expect(all.filter((e) => !e.counted).map((e) => [e.author, e.type, e.not_counted_because])).toEqual([['tj-cert', 'consent', expect.stringContaining(`names version ${d0}`)]]);
    // One page of everything; a position not given out, a limit out of range, a statement not held.
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${id}/history`)).json).toMatchObject({ total, next: null, entries: all });
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${id}/history?after=bm90LWEtY3Vyc29y`)).status).toBe(400);
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${id}/history?limit=0`)).status).toBe(400);
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${id}/history?limit=501`)).status).toBe(400);
    expect((await f.api('auditor', 'GET', `/api/v1/statements/${newMessageId()}/history`)).status).toBe(404);
  });

  it('takes a history relayed by a member, verifying each event, and refuses a relay from a non-member', async () => {
    const other = newMessageId();
    const founding = f.event(f.tj, 'statements.statement/v1', { event_id: other, group_id: f.groupId, statement_id: other, kind: 'agreement', title: 'Соглашение о точках контакта', texts: { ru: 'Текст' } });
    const amend = f.event(f.tj, 'statements.amendment/v1', { group_id: f.groupId, statement_id: other, base_digest: 'b'.repeat(64), texts: { ru: 'Текст 2' } });
    const tampered = { ...amend, body: { ...(amend.body as object), texts: { ru: 'Подмена' } } } as Envelope;
    expect((await f.deliver(f.kz, [f.signed(f.kz, 'statements.history/v1', { group_id: f.groupId, envelopes: [founding, tampered] })])).json.items[0]!.status).toBe('accepted');
    expect((await f.api('analyst', 'GET', `/api/v1/statements/${other}`)).json).toMatchObject({ kind: 'agreement', author: 'tj-cert', amendments: [] });
    expect(await f.node.ctx.store.db.selectFrom('statement_events').select('event_id').where('statement_id', '=', other).execute()).toHaveLength(1);
    const fromKg = f.signed(f.kg, 'statements.history/v1', { group_id: f.groupId, envelopes: [amend] });
    expect((await f.deliver(f.kg, [fromKg])).json.items[0]).toMatchObject({ status: 'rejected', reason: 'refused' });
  });

  it('relays the group’s statements, each still signed by its author, to a member that joins later, once', async () => {
    expect(await relayStatementHistory(f.node.ctx)).toBe(0);
    const proposed = await f.api('admin', 'POST', `/api/v1/groups/${f.groupId}/proposals`, { kind: 'add_member', node: 'kg-cert' });
    expect(proposed.status).toBe(201);
    const pid = proposed.json.proposal_id as string;
    const group = (await f.api('admin', 'GET', `/api/v1/groups/${f.groupId}`)).json;
    const body = group.history.find((h: { event_id: string }) => h.event_id === pid).envelope.body;
    const consent = (who: NodeIdentity) => f.signed(who, 'groups.consent/v2', { event_id: newMessageId(), group_id: f.groupId, created_at: new Date().toISOString(), proposal_id: pid, proposal_author: 'uz-cert', proposal_digest: eventDigest(body) });
    for (const who of [f.kz, f.tj, f.kg]) await f.deliver(who, [consent(who)]);
    expect((await f.api('admin', 'GET', `/api/v1/groups/${f.groupId}`)).json.members).toContain('kg-cert');
    // What was decided before the join holds: adopted by the three, kg-cert is no party.
    expect(await get()).toMatchObject({ status: 'adopted', parties: ['kz-cert', 'tj-cert', 'uz-cert'], needed: 4 });
    expect((await f.api('analyst', 'GET', `/api/v1/statements/${id}/verify`)).json).toMatchObject({ complete: true });
    const held = await stored();
    expect(await relayStatementHistory(f.node.ctx)).toBe(1);
    const relays = await f.node.ctx.store.db.selectFrom('outbox').select(['peer_id', 'envelope']).where('type', '=', 'statements.history/v1').execute();
    expect(relays.map((r) => r.peer_id)).toEqual(['kg-cert']);
    const envelopes = relays.flatMap((r) => (JSON.parse(r.envelope) as Envelope<{ envelopes: Envelope[] }>).body.envelopes);
    expect(envelopes).toHaveLength(held);
    expect(new Set(envelopes.map((e) => e.from))).toEqual(new Set(['uz-cert', 'kz-cert', 'tj-cert']));
    expect(await relayStatementHistory(f.node.ctx)).toBe(0);
  });
});
