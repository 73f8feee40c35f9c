import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventDigest } from '../../src/federation/event-log/event-log.rules.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { sendReleases } from '../../src/intel/releases/releases.jobs.js';
import { IntelMessage, type IntelObjectsBody } from '../../src/intel/releases/releases.schemas.js';
import { TAXII_MEDIA_TYPE, ALL_COLLECTION_ID } from '../../src/intel/taxii/taxii.routes.js';
import { newId } from '../../src/util/ids.js';
import { pinPeer } from '../cases/_cases.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { inboxFixture, makeIdentity, type InboxFixture } from '../federation/_inbox.js';
import { AGREEMENT } from '../plans/_plans.js';
import { local, marked, received, releaseMessage } from './_releases.js';

/** Releases on the receiving node (kz-cert, its real inbox over HTTP): order, duplicates, markings enforced again. */
describe.each(DIALECTS)('intel releases, receiving side (%s)', (dialect) => {
  let fx: InboxFixture;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    fx = await inboxFixture(dialect, { requireAdminTotp: false });
    for (const role of ['admin', 'analyst'] as const) tokens[role] = (await buildUser(fx.node.ctx, role)).token;
  });
  afterAll(() => fx?.close());

  const db = () => fx.node.ctx.store.db;
  const deliver = async (es: Envelope[]) => {
    const r = await fx.post(fx.batch(es));
    expect(r.status, r.text).toBe(200);
    return (r.json.items as { status: string; reason?: string }[]).map((i) => i.status);
  };
  const msg = (body: Partial<IntelObjectsBody> & Pick<IntelObjectsBody, 'release_id' | 'rseq' | 'objects'>) => releaseMessage(fx.peer, 'kz-cert', body) as unknown as Envelope;
  const stored = async (ids: string[]) => db().selectFrom('intel_objects').select(['seq', 'id', 'origin', 'source', 'tlp']).where('id', 'in', ids).orderBy('seq').execute();
  const receivedRelease = async (releaseId: string) => db().selectFrom('intel_received_releases').selectAll().where('release_id', '=', releaseId).executeTakeFirst();
  /** A group uz-cert founds with this node (kz-cert) invited; this node consents unless `join` is false. */
  const groupWithPeer = async (join = true) => {
    const groupId = newMessageId();
    const now = new Date().toISOString();
    const proposal = { event_id: newMessageId(), group_id: groupId, created_at: now, change: { kind: 'create', name: 'Intel exchange', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert'] } };
    expect(await deliver([signEnvelope(fx.peer, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'groups.proposal/v1', issued_at: now, body: proposal }) as Envelope])).toEqual(['accepted']);
    if (join) {
      const r = await fx.app.inject({ method: 'POST', url: `/api/v1/groups/${groupId}/proposals/${proposal.event_id}/consent`, headers: { authorization: `Bearer ${tokens.admin}` } });
      expect([r.statusCode, r.json().status, r.json().members]).toEqual([200, 'active', ['kz-cert', 'uz-cert']]);
    }
    return groupId;
  };

  it('stores released objects as received from the peer, and shows where each came from and its marking', async () => {
    const rel = newId();
    const objs = [marked('green'), marked('amber'), marked('red')];
    expect(await deliver([msg({ release_id: rel, rseq: 1, objects: objs.map(local) })])).toEqual(['accepted']);
    expect((await stored(objs.map((o) => o.id))).map((r) => [r.id, r.origin, r.source, r.tlp])).toEqual(objs.map((o, i) => [o.id, 'received', 'uz-cert', ['green', 'amber', 'red'][i]]));
    const list = await fx.app.inject({ method: 'GET', url: '/api/v1/intel/objects?origin=received', headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(list.json().objects.filter((o: { id: string }) => objs.some((x) => x.id === o.id)).map((o: { origin: string; source: string; tlp: string }) => [o.origin, o.source, o.tlp])).toEqual([['received', 'uz-cert', 'red'], ['received', 'uz-cert', 'amber'], ['received', 'uz-cert', 'green']]);
    // Its users and TAXII readers see them only as the policy allows: RED for its named recipients only, not for an analyst.
    const analyst = await fx.app.inject({ method: 'GET', url: '/api/v1/intel/objects?origin=received', headers: { authorization: `Bearer ${tokens.analyst}` } });
    expect(analyst.json().objects.map((o: { id: string }) => o.id)).not.toContain(objs[2]!.id);
    const taxii = await fx.app.inject({ method: 'GET', url: `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/`, headers: { authorization: `Bearer ${tokens.analyst}`, accept: TAXII_MEDIA_TYPE } });
    const seen = taxii.json().objects.map((o: { id: string }) => o.id);
    expect(seen).toContain(objs[1]!.id);
    expect(seen).not.toContain(objs[2]!.id);
    expect(await receivedRelease(rel)).toMatchObject({ from_node: 'uz-cert', next_rseq: 2, objects: 3, stored: 3, refused: 0 });
  });

  it('refuses, counts and audits each object whose marking says it should not have reached this node, and stores the rest', async () => {
    const rel = newId();
    const group = await groupWithPeer();
    const ok = marked('green');
    const redThroughGroup = marked('red');
    const passedOn = marked('amber+strict');
    const invalid = { ...marked('green'), modified: '2000-01-01T00:00:00.000Z' };
    const r = await deliver([msg({ release_id: rel, rseq: 1, audience: { kind: 'group', group_id: group }, objects: [local(ok), local(redThroughGroup), received(passedOn), local(invalid)] })]);
    expect(r).toEqual(['accepted']);
    expect((await stored([ok.id, redThroughGroup.id, passedOn.id, invalid.id])).map((x) => x.id)).toEqual([ok.id]);
    expect(await receivedRelease(rel)).toMatchObject({ audience_kind: 'group', next_rseq: 2, objects: 4, stored: 1, refused: 3 });
    const audit = await db().selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'intel.refuse_received').where('target', '=', `intel_release:uz-cert/${rel}`).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('node:uz-cert');
    const details = JSON.parse(audit[0]!.details as string);
    expect(details.objects.map((o: { id: string; reason: string }) => [o.id, o.reason.replace(/:.*/, '')])).toEqual([
      [redThroughGroup.id, 'tlp-red-named-recipients-only'],
      [passedOn.id, 'received-not-passed-on'],
      [invalid.id, 'invalid-stix'],
    ]);
  });

  it('refuses, in the receipt with the reason, a message released to a group this node is not a member of, and stores nothing of it', async () => {
    const invitedOnly = await groupWithPeer(false);
    for (const group of [newId(), invitedOnly]) {
      const rel = newId();
      const o = marked('green');
      const r = await fx.post(fx.batch([msg({ release_id: rel, rseq: 1, audience: { kind: 'group', group_id: group }, objects: [local(o)] })]));
      expect(r.status, r.text).toBe(200);
      expect((r.json.items as { status: string; reason: string; detail: string }[])[0]).toMatchObject({ status: 'rejected', reason: 'refused', detail: `not-a-group-member: kz-cert ${group === invitedOnly ? 'is not a member of' : 'knows no'} group ${group}` });
      expect(await stored([o.id])).toEqual([]);
      expect(await receivedRelease(rel)).toBeUndefined();
      expect(await db().selectFrom('intel_held_messages').select('rseq').where('release_id', '=', rel).execute()).toEqual([]);
    }
    // The same node, a member: taken.
    const member = await groupWithPeer();
    const o = marked('green');
    expect(await deliver([msg({ release_id: newId(), rseq: 1, audience: { kind: 'group', group_id: member }, objects: [local(o)] })])).toEqual(['accepted']);
    expect(await stored([o.id])).toHaveLength(1);
  });

  it('answers 409 (sent again later) while this node has consented to joining and waits for another member’s consent the sender holds', async () => {
    const kg = makeIdentity('kg-cert');
    await pinPeer(db(), kg);
    const groupId = newMessageId();
    const now = new Date().toISOString();
    const proposal = { event_id: newMessageId(), group_id: groupId, created_at: now, change: { kind: 'create', name: 'Three CERTs', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert', 'kg-cert'] } };
    const signed = (from: typeof kg, type: string, body: object) => signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['kz-cert'], type, issued_at: now, body }) as Envelope;
    expect(await deliver([signed(fx.peer, 'groups.proposal/v1', proposal)])).toEqual(['accepted']);
    const mine = await fx.app.inject({ method: 'POST', url: `/api/v1/groups/${groupId}/proposals/${proposal.event_id}/consent`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect([mine.statusCode, mine.json().status]).toEqual([200, 'proposed']);
    // uz-cert holds kg-cert's consent already and releases to the group; kg-cert's consent to this node is still on its way.
    const o = marked('green');
    const release = msg({ release_id: newId(), rseq: 1, audience: { kind: 'group', group_id: groupId }, objects: [local(o)] });
    const early = await fx.post(fx.batch([release]));
    expect(early.status, early.text).toBe(409);
    expect(early.text).toContain('waits for the other members');
    expect(await stored([o.id])).toEqual([]);
    const kgConsent = { event_id: newMessageId(), group_id: groupId, created_at: now, proposal_id: proposal.event_id, proposal_author: 'uz-cert', proposal_digest: eventDigest(proposal) };
    const r = await fx.post(fx.batch([signed(kg, 'groups.consent/v2', kgConsent)], {}, kg));
    expect(r.status, r.text).toBe(200);
    expect(await deliver([release])).toEqual(['accepted']);
    expect(await stored([o.id])).toHaveLength(1);
  });

  it('holds a message that comes before an earlier one and applies both in order once the gap is filled; duplicates are harmless', async () => {
    const rel = newId();
    const first = Array.from({ length: 3 }, () => marked('green'));
    const second = Array.from({ length: 3 }, () => marked('green'));
    const third = [marked('clear')];
    const m1 = msg({ release_id: rel, rseq: 1, objects: first.map(local) });
    const m2 = msg({ release_id: rel, rseq: 2, objects: second.map(local) });
    const m3 = msg({ release_id: rel, rseq: 3, objects: third.map(local) });
    // 3 and 2 arrive first: held, nothing stored.
    expect(await deliver([m3])).toEqual(['accepted']);
    expect(await deliver([m2])).toEqual(['accepted']);
    expect(await stored([...second, ...third].map((o) => o.id))).toEqual([]);
    const held = await fx.app.inject({ method: 'GET', url: '/api/v1/intel/received-releases', headers: { authorization: `Bearer ${tokens.analyst}` } });
    expect(held.json().received.find((x: { release_id: string }) => x.release_id === rel)).toMatchObject({ messages: 0, held: 2 });
    // 1 fills the gap: all three apply, in release order.
    expect(await deliver([m1])).toEqual(['accepted']);
    const rows = await stored([...first, ...second, ...third].map((o) => o.id));
    expect(rows.map((r) => r.id)).toEqual([...first, ...second, ...third].map((o) => o.id));
    expect(await receivedRelease(rel)).toMatchObject({ next_rseq: 4, objects: 7, stored: 7 });
    expect(await db().selectFrom('intel_held_messages').select('rseq').where('release_id', '=', rel).execute()).toEqual([]);
    // The same message again (a new batch): a duplicate. Another message with a number already applied: nothing stored twice.
    expect(await deliver([m2])).toEqual(['duplicate']);
    const lateCopy = marked('green', { name: 'late copy' });
    const again = msg({ release_id: rel, rseq: 2, objects: [local(lateCopy)] });
    expect(await deliver([again])).toEqual(['accepted']);
    expect(await receivedRelease(rel)).toMatchObject({ next_rseq: 4, objects: 7, stored: 7 });
    expect(await stored([lateCopy.id])).toEqual([]);
    // Two early copies of one number are held once.
    const m5a = msg({ release_id: rel, rseq: 5, objects: [local(marked('green'))] });
    const m5b = msg({ release_id: rel, rseq: 5, objects: [local(marked('green'))] });
    expect(await deliver([m5a, m5b])).toEqual(['accepted', 'accepted']);
    expect(await db().selectFrom('intel_held_messages').select('rseq').where('release_id', '=', rel).execute()).toEqual([{ rseq: 5 }]);
  });

  it('refuses tampered and replayed batches at the federation layer, and stores nothing of them', async () => {
    const rel = newId();
    const o = marked('green');
    const m = msg({ release_id: rel, rseq: 1, objects: [local(o)] });
    // The body changed after signing: the message's signature fails.
    const tampered = { ...m, body: { ...(m.body as IntelObjectsBody), objects: [local(marked('green', { name: 'swapped' }))] } };
    const t = await fx.post(fx.batch([tampered as Envelope]));
    expect(t.status).toBe(200);
    expect((t.json.items as { status: string; reason: string }[])[0]).toMatchObject({ status: 'rejected', reason: 'bad_signature' });
    // A batch signed by someone else in the peer's name: refused whole.
    const stranger = makeIdentity('uz-cert');
    expect((await fx.post(fx.batch([m], {}, stranger))).status).toBe(401);
    expect(await stored([o.id])).toEqual([]);
    // The genuine batch is taken once; the same batch again is a replay.
    const b = fx.batch([m]);
    expect((await fx.post(b)).status).toBe(200);
    const replay = await fx.post(b);
    expect([replay.status, replay.json.reason]).toEqual([409, 'replayed']);
    expect(await stored([o.id])).toHaveLength(1);
  });

  it('passes on only what the policy allows: what it received beyond GREEN stays here', async () => {
    const tj = makeIdentity('tj-cert');
    await pinPeer(db(), tj);
    const rel = newId();
    const objs = [marked('clear', { name: 'onward clear' }), marked('green', { name: 'onward green' }), marked('amber', { name: 'onward amber' }), marked('amber+strict', { name: 'onward strict' }), marked('red', { name: 'onward red' })];
    expect(await deliver([msg({ release_id: rel, rseq: 1, objects: objs.map(local) })])).toEqual(['accepted']);
    const r = await fx.app.inject({ method: 'POST', url: '/api/v1/intel/releases', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { title: 'Onward', audience: { kind: 'peer', node_id: 'tj-cert' }, filter: { ids: objs.map((o) => o.id) } } });
    expect(r.statusCode).toBe(201);
    await sendReleases(fx.node.ctx);
    const out = await db().selectFrom('outbox').select('envelope').where('peer_id', '=', 'tj-cert').where('type', '=', IntelMessage.objects).execute();
    const names = out.flatMap((e) => (JSON.parse(e.envelope) as Envelope<IntelObjectsBody>).body.objects.map((x) => [x.origin, x.object.name]));
    expect(names).toEqual([['received', 'onward clear'], ['received', 'onward green']]);
    expect((await fx.app.inject({ method: 'GET', url: `/api/v1/intel/releases/${r.json().id}`, headers: { authorization: `Bearer ${tokens.admin}` } })).json().peers).toEqual([expect.objectContaining({ peer_id: 'tj-cert', sent: 2, withheld: 3 })]);
  });
});
