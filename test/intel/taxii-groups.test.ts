import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventDigest } from '../../src/federation/event-log/event-log.rules.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { IntelObjectsBody } from '../../src/intel/releases/releases.schemas.js';
import { groupCollectionId, receivedCollectionId, TAXII_MEDIA_TYPE } from '../../src/intel/taxii/taxii.routes.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import { newId } from '../../src/util/ids.js';
import { pinPeer } from '../cases/_cases.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser } from '../_util/node.js';
import { inboxFixture, makeIdentity, type InboxFixture } from '../federation/_inbox.js';
import { AGREEMENT } from '../plans/_plans.js';
import { local, marked, releaseMessage } from './_releases.js';

/** Returns once the clock has moved past the current millisecond (times compare at that precision). */
async function nextMillisecond(): Promise<void> {
  const t = Date.now();
  while (Date.now() <= t) await new Promise((r) => setImmediate(r));
}

/**
 * A group's TAXII collection on kz-cert (its real inbox): what members released to the group,
 * never what a node that was not a member (then) sent under the group's name.
 */
describe.each(DIALECTS)('TAXII group collections (%s)', (dialect) => {
  let fx: InboxFixture;
  let taxii: FastifyInstance;
  let admin = '';
  let groupId = '';
  const kg = makeIdentity('kg-cert');
  const tj = makeIdentity('tj-cert');
  /** Queries that read group_events, counted through the app that serves TAXII below. */
  let groupEventQueries = 0;

  const deliver = async (es: Envelope[], from?: NodeIdentity) => {
    const r = await fx.post(fx.batch(es, {}, from));
    expect(r.status, r.text).toBe(200);
    return (r.json.items as { status: string }[]).map((i) => i.status);
  };
  const signed = (from: NodeIdentity, type: string, body: object) => signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['kz-cert'], type, issued_at: new Date().toISOString(), body }) as Envelope;
  /** `from` releases one GREEN object to the group; kz-cert takes it (it is a member). */
  const releaseToGroup = async (from: NodeIdentity) => {
    const o = marked('green');
    const releaseId = newId();
    const body: Partial<IntelObjectsBody> & Pick<IntelObjectsBody, 'release_id' | 'rseq' | 'objects'> = { release_id: releaseId, rseq: 1, audience: { kind: 'group', group_id: groupId }, objects: [local(o)] };
    expect(await deliver([releaseMessage(from, 'kz-cert', body) as unknown as Envelope], from)).toEqual(['accepted']);
    return { id: o.id as string, releaseId };
  };
  const ids = async (collection: string) => {
    const r = await taxii.inject({ method: 'GET', url: `/taxii2/api/collections/${collection}/objects/`, headers: { authorization: `Bearer ${admin}`, accept: TAXII_MEDIA_TYPE } });
    expect(r.statusCode, r.body).toBe(200);
    return ((r.json().objects ?? []) as { id: string }[]).map((o) => o.id);
  };
  const consent = async (proposalId: string) => {
    const r = await fx.app.inject({ method: 'POST', url: `/api/v1/groups/${groupId}/proposals/${proposalId}/consent`, headers: { authorization: `Bearer ${admin}` } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { status: string; members: string[] };
  };

  beforeAll(async () => {
    fx = await inboxFixture(dialect, { requireAdminTotp: false });
    admin = (await buildUser(fx.node.ctx, 'admin')).token;
    await pinPeer(fx.node.ctx.store.db, kg);
    await pinPeer(fx.node.ctx.store.db, tj);
    const counter: KyselyPlugin = {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        if (JSON.stringify(args.node).includes('"group_events"')) groupEventQueries++;
        return args.node;
      },
      transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
    };
    const ctx = fx.node.ctx;
    taxii = await buildTestApp({ ...ctx, store: { ...ctx.store, db: ctx.store.db.withPlugin(counter) } });

    // uz-cert founds a group of three; kz-cert (this node) and kg-cert consent: tj-cert is not in it.
    groupId = newMessageId();
    const proposal = { event_id: newMessageId(), group_id: groupId, created_at: new Date().toISOString(), change: { kind: 'create', name: 'Three CERTs', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert', 'kg-cert'] } };
    expect(await deliver([signed(fx.peer, 'groups.proposal/v1', proposal)])).toEqual(['accepted']);
    expect((await consent(proposal.event_id)).status).toBe('proposed');
    const kgConsent = { event_id: newMessageId(), group_id: groupId, created_at: new Date().toISOString(), proposal_id: proposal.event_id, proposal_author: 'uz-cert', proposal_digest: eventDigest(proposal) };
    expect(await deliver([signed(kg, 'groups.consent/v2', kgConsent)], kg)).toEqual(['accepted']);
    const g = await fx.app.inject({ method: 'GET', url: `/api/v1/groups/${groupId}`, headers: { authorization: `Bearer ${admin}` } });
    expect([g.json().status, g.json().members]).toEqual(['active', ['kg-cert', 'kz-cert', 'uz-cert']]);
  });
  afterAll(async () => {
    await taxii?.close();
    await fx?.close();
  });

  it('serves what members released to the group and leaves out what a node that is not a member sent under its name', async () => {
    const fromUz = await releaseToGroup(fx.peer);
    const fromTj = await releaseToGroup(tj);
    const col = groupCollectionId(groupId);
    const seen = await ids(col);
    expect(seen).toContain(fromUz.id);
    expect(seen).not.toContain(fromTj.id);
    // A single object, by id, of a non-member: none in this collection.
    const one = await taxii.inject({ method: 'GET', url: `/taxii2/api/collections/${col}/objects/${fromTj.id}/`, headers: { authorization: `Bearer ${admin}`, accept: TAXII_MEDIA_TYPE } });
    expect(one.statusCode).toBe(404);
    const manifest = await taxii.inject({ method: 'GET', url: `/taxii2/api/collections/${col}/manifest/`, headers: { authorization: `Bearer ${admin}`, accept: TAXII_MEDIA_TYPE } });
    expect(manifest.body).not.toContain(fromTj.id);
    // It was received (the receipt said so), and stays where it belongs: tj-cert's own release.
    expect(await ids(receivedCollectionId('tj-cert', fromTj.releaseId))).toEqual([fromTj.id]);
  });

  it('keeps what a member released while it was one, and leaves out what it sent after it was removed', async () => {
    const before = await releaseToGroup(kg);
    const col = groupCollectionId(groupId);
    expect(await ids(col)).toContain(before.id);
    await nextMillisecond();
    // uz-cert proposes to remove kg-cert; kz-cert consents: adopted (kg-cert has no say in its removal).
    const removal = { event_id: newMessageId(), group_id: groupId, created_at: new Date().toISOString(), change: { kind: 'remove_member', node: 'kg-cert' } };
    expect(await deliver([signed(fx.peer, 'groups.proposal/v1', removal)])).toEqual(['accepted']);
    expect(await consent(removal.event_id)).toMatchObject({ members: ['kz-cert', 'uz-cert'] });
    const after = await releaseToGroup(kg);
    const seen = await ids(col);
    expect(seen).toContain(before.id);
    expect(seen).not.toContain(after.id);
  });

  it('finds a group collection without folding the groups again while no group log changed, and folds again once one does', async () => {
    const col = groupCollectionId(groupId);
    await ids(col);
    groupEventQueries = 0;
    for (let i = 0; i < 3; i++) {
      const info = await taxii.inject({ method: 'GET', url: `/taxii2/api/collections/${col}/`, headers: { authorization: `Bearer ${admin}`, accept: TAXII_MEDIA_TYPE } });
      expect(info.json()).toMatchObject({ id: col, title: 'Group: Three CERTs' });
    }
    // One look at the head of the logs per request.
    expect(groupEventQueries).toBeLessThanOrEqual(3);
    // A change in the group logs (uz-cert founds a second group with this node): folded before the next answer.
    const other = newMessageId();
    const proposal = { event_id: newMessageId(), group_id: other, created_at: new Date().toISOString(), change: { kind: 'create', name: 'Pair', level: 'bilateral', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert'] } };
    expect(await deliver([signed(fx.peer, 'groups.proposal/v1', proposal)])).toEqual(['accepted']);
    const list = async () => ((await taxii.inject({ method: 'GET', url: '/taxii2/api/collections/', headers: { authorization: `Bearer ${admin}`, accept: TAXII_MEDIA_TYPE } })).json().collections as { id: string }[]).map((c) => c.id);
    expect(await list()).not.toContain(groupCollectionId(other));
    const r = await fx.app.inject({ method: 'POST', url: `/api/v1/groups/${other}/proposals/${proposal.event_id}/consent`, headers: { authorization: `Bearer ${admin}` } });
    expect(r.json().status).toBe('active');
    expect(await list()).toContain(groupCollectionId(other));
  });
});
