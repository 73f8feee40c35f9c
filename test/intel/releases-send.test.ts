import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { sendReleases } from '../../src/intel/releases/releases.jobs.js';
import { IntelMessage, type IntelObjectsBody } from '../../src/intel/releases/releases.schemas.js';
import { ALL_COLLECTION_ID, TAXII_MEDIA_TYPE } from '../../src/intel/taxii/taxii.routes.js';
import { pinPeer } from '../cases/_cases.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { makeIdentity } from '../federation/_inbox.js';
import { local, marked, received, store } from './_releases.js';

const UNKNOWN = '01900000-0000-7000-8000-000000000000';

/** Releases on the sending node: the routes, the job that queues released objects, and the release gate. */
describe.each(DIALECTS)('intel releases, sending side (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  const kz = makeIdentity('kz-cert');
  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) tokens[role] = (await buildUser(node.ctx, role)).token;
    await pinPeer(node.ctx.store.db, kz);
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, role: Role = 'coordinator', payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const sentTo = async (peer: string, releaseId: string) => {
    const rows = await node.ctx.store.db.selectFrom('outbox').select(['seq', 'envelope']).where('peer_id', '=', peer).where('type', '=', IntelMessage.objects).orderBy('seq').execute();
    return rows.map((r) => (JSON.parse(r.envelope) as Envelope<IntelObjectsBody>).body).filter((b) => b.release_id === releaseId);
  };

  it('releases indicators to a named peer: every marking the source holds goes, what it received beyond GREEN is withheld, in messages numbered without gaps', async () => {
    const mine = [marked('clear'), marked('green'), marked('amber'), marked('amber+strict'), marked('red'), marked(null)];
    await store(node.ctx, mine);
    const theirs = [marked('green', { name: 'received green' }), marked('amber', { name: 'received amber' }), marked('red', { name: 'received red' })];
    await store(node.ctx, theirs, 'received', 'tj-cert');
    const r = await call('POST', '/api/v1/intel/releases', 'coordinator', { title: 'Indicators for KZ', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['indicator'] } });
    expect(r.statusCode).toBe(201);
    const rel = r.json();
    expect(rel).toMatchObject({ title: 'Indicators for KZ', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['indicator'] }, state: 'active', collection_id: rel.id, peers: [] });
    await sendReleases(node.ctx);
    const bodies = await sentTo('kz-cert', rel.id);
    expect(bodies.map((b) => b.rseq)).toEqual([1]);
    const ids = bodies.flatMap((b) => b.objects.map((o) => o.object.id));
    expect(ids).toEqual([...mine, theirs[0]!].map((o) => o.id));
    expect(bodies[0]!.objects.at(-1)!.origin).toBe('received');
    const shown = (await call('GET', `/api/v1/intel/releases/${rel.id}`, 'auditor')).json();
    expect(shown.peers).toEqual([expect.objectContaining({ peer_id: 'kz-cert', sent: 7, withheld: 2, messages: 1 })]);
    // Nothing new: nothing more is queued.
    await sendReleases(node.ctx);
    expect(await sentTo('kz-cert', rel.id)).toHaveLength(1);
    // A new version and a revocation follow, in the next message.
    const v2 = { ...mine[1]!, modified: '2026-12-03T00:00:00.000Z', name: 'second version' };
    const revoked = { ...mine[1]!, modified: '2026-12-04T00:00:00.000Z', revoked: true };
    await store(node.ctx, [v2]);
    await store(node.ctx, [revoked]);
    await sendReleases(node.ctx);
    const after = await sentTo('kz-cert', rel.id);
    expect(after.map((b) => b.rseq)).toEqual([1, 2]);
    expect(after[1]!.objects.map((o) => [o.object.name, o.object.revoked ?? false])).toEqual([['second version', false], ['C2 domain', true]]);
  });

  it('sends many objects in messages of up to 500 objects and about 60 kB, numbered 1, 2, … in store order', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => marked('green', { type: 'indicator', name: `bulk ${i}` }));
    const r = await call('POST', '/api/v1/intel/releases', 'admin', { title: 'New local objects', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { new_local: true } });
    expect(r.statusCode).toBe(201);
    await store(node.ctx, many);
    await store(node.ctx, [marked('amber', { name: 'received later' })], 'received', 'tj-cert');
    await sendReleases(node.ctx);
    const bodies = await sentTo('kz-cert', r.json().id);
    expect(bodies.map((b) => b.rseq)).toEqual(bodies.map((_, i) => i + 1));
    expect(bodies.length).toBeGreaterThan(3);
    for (const b of bodies) {
      expect(b.objects.length).toBeLessThanOrEqual(500);
      expect(JSON.stringify(b.objects).length).toBeLessThanOrEqual(60_000);
    }
    expect(bodies.flatMap((b) => b.objects.map((o) => o.object.name))).toEqual(many.map((o) => o.name));
  });

  it('stops a release: nothing more is queued; stopping twice is a conflict', async () => {
    const r = (await call('POST', '/api/v1/intel/releases', 'coordinator', { title: 'Stopped', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['malware'] } })).json();
    const s = await call('POST', `/api/v1/intel/releases/${r.id}/stop`, 'admin');
    expect(s.statusCode).toBe(200);
    expect(s.json()).toMatchObject({ state: 'stopped', stopped_by: expect.stringMatching(/^user:/) });
    await store(node.ctx, [{ type: 'malware', spec_version: '2.1', id: 'malware--0b5f2b5e-8b7a-4c1a-9d7b-1a2b3c4d5e6f', created: '2026-12-01T10:00:00.000Z', modified: '2026-12-01T10:00:00.000Z', name: 'Loader', is_family: true }]);
    await sendReleases(node.ctx);
    expect(await sentTo('kz-cert', r.id)).toEqual([]);
    expect((await call('POST', `/api/v1/intel/releases/${r.id}/stop`, 'admin')).statusCode).toBe(409);
    const list = (await call('GET', '/api/v1/intel/releases', 'analyst')).json().releases;
    expect(list.map((x: { id: string }) => x.id)).toContain(r.id);
    const audit = await node.ctx.store.db.selectFrom('audit_log').select(['action', 'target']).where('target', '=', `intel_release:${r.id}`).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['intel.release', 'intel.release_stop']);
  });

  it("serves each release as a TAXII collection of its objects, as the reader may see them", async () => {
    const red = marked('red', { name: 'taxii red' });
    const green = marked('green', { name: 'taxii green' });
    const malware = { type: 'malware', spec_version: '2.1', id: 'malware--1c5f2b5e-8b7a-4c1a-9d7b-1a2b3c4d5e6f', created: '2026-12-01T10:00:00.000Z', modified: '2026-12-01T10:00:00.000Z', name: 'Not released', is_family: true };
    const rel = (await call('POST', '/api/v1/intel/releases', 'admin', { title: 'Two ids', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { ids: [red.id, green.id] } })).json();
    await store(node.ctx, [red, green, malware]);
    const taxii = (url: string, role: Role) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}`, accept: TAXII_MEDIA_TYPE } });
    const list = (await taxii('/taxii2/api/collections/', 'analyst')).json().collections;
    expect(list.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([ALL_COLLECTION_ID, rel.id]));
    expect((await taxii(`/taxii2/api/collections/${rel.id}/`, 'analyst')).json()).toMatchObject({ id: rel.id, title: 'Release: Two ids', can_read: true });
    const names = async (role: Role) => ((await taxii(`/taxii2/api/collections/${rel.id}/objects/`, role)).json().objects ?? []).map((o: { name: string }) => o.name);
    expect(await names('analyst')).toEqual(['taxii green']);
    // RED never leaves over TAXII, even to a holder of intel:red (the policy's TAXII clients column).
    expect(await names('coordinator')).toEqual(['taxii green']);
    expect((await taxii(`/taxii2/api/collections/${UNKNOWN}/objects/`, 'analyst')).statusCode).toBe(404);
  });

  it('refuses bad input with the field at fault, and writes nothing', async () => {
    const before = (await node.ctx.store.db.selectFrom('intel_releases').select('id').execute()).length;
    const cases: [unknown, string][] = [
      [{ title: 'x', audience: { kind: 'peer', node_id: 'nobody-here' }, filter: { types: ['indicator'] } }, '/audience/node_id'],
      [{ title: 'x', audience: { kind: 'peer', node_id: 'test-node' }, filter: { types: ['indicator'] } }, '/audience/node_id'],
      [{ title: 'x', audience: { kind: 'group', group_id: UNKNOWN }, filter: { types: ['indicator'] } }, '/audience/group_id'],
      [{ title: 'x', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: {} }, '/filter'],
      [{ title: 'x', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['Not A Type'] } }, '/filter/types/0'],
      [{ title: '', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['indicator'] } }, '/title'],
      [{ title: 'x', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['indicator'] }, extra: 1 }, '/extra'],
    ];
    for (const [body, pointer] of cases) {
      const r = await call('POST', '/api/v1/intel/releases', 'admin', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors.map((e: { pointer: string }) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await call('GET', '/api/v1/intel/releases/not-a-uuid')).statusCode).toBe(400);
    expect((await call('GET', `/api/v1/intel/releases/${UNKNOWN}`)).statusCode).toBe(404);
    expect((await call('POST', `/api/v1/intel/releases/${UNKNOWN}/stop`)).statusCode).toBe(404);
    expect((await node.ctx.store.db.selectFrom('intel_releases').select('id').execute()).length).toBe(before);
  });

  it('lets only administrators and coordinators release or stop; every role reads', async () => {
    const body = { title: 'Roles', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { types: ['indicator'] } };
    let id = '';
    for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) {
      const r = await call('POST', '/api/v1/intel/releases', role, body);
      expect(r.statusCode, role).toBe(role === 'admin' || role === 'coordinator' ? 201 : 403);
      if (r.statusCode === 201) id = r.json().id;
      expect((await call('GET', '/api/v1/intel/releases', role)).statusCode, role).toBe(200);
      expect((await call('GET', `/api/v1/intel/releases/${id}`, role)).statusCode, role).toBe(200);
      expect((await call('GET', '/api/v1/intel/received-releases', role)).statusCode, role).toBe(200);
    }
    for (const role of ['officer', 'analyst', 'auditor'] as Role[]) expect((await call('POST', `/api/v1/intel/releases/${id}/stop`, role)).statusCode, role).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/intel/releases' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/intel/releases', payload: body })).statusCode).toBe(401);
  });

  it('the release gate refuses a message carrying an object the policy keeps from that peer, and queues nothing', async () => {
    const outbox = async () => (await node.ctx.store.db.selectFrom('outbox').select('id').execute()).length;
    const before = await outbox();
    const base = { release_id: UNKNOWN, title: 'forged', rseq: 1 };
    const forbidden: [IntelObjectsBody, RegExp][] = [
      // TLP:RED through a group: only peers named one by one may get it.
      [{ ...base, audience: { kind: 'group', group_id: UNKNOWN }, objects: [local(marked('green')), local(marked('red'))] }, /TLP:RED \(local\): tlp-red-named-recipients-only/],
      // What this node received under AMBER+STRICT, AMBER or RED never goes on, even to a named peer.
      [{ ...base, audience: { kind: 'peer' }, objects: [received(marked('amber+strict'))] }, /received-not-passed-on/],
      [{ ...base, audience: { kind: 'peer' }, objects: [received(marked('amber'))] }, /received-not-passed-on/],
      [{ ...base, audience: { kind: 'peer' }, objects: [received(marked('red'))] }, /received-not-passed-on/],
      // An unmarked received object counts as AMBER; a missing origin as received.
      [{ ...base, audience: { kind: 'peer' }, objects: [received(marked(null))] }, /received-not-passed-on/],
      [{ ...base, audience: { kind: 'peer' }, objects: [{ object: marked('amber') } as never] }, /received-not-passed-on/],
    ];
    for (const [body, why] of forbidden) {
      await expect(node.ctx.store.db.transaction().execute((trx) => enqueueMessages(node.ctx, trx, 'kz-cert', IntelMessage.objects, [body]))).rejects.toThrow(why);
    }
    expect(await outbox()).toBe(before);
    // What the policy allows passes the same gate.
    await node.ctx.store.db.transaction().execute((trx) => enqueueMessages(node.ctx, trx, 'kz-cert', IntelMessage.objects, [{ ...base, audience: { kind: 'peer' }, objects: [local(marked('red')), received(marked('green'))] }]));
    expect(await outbox()).toBe(before + 1);
  });

  it('names a RED object it releases by id only to holders of intel:red: other readers see the release without that id, as the objects list shows nothing of it', async () => {
    const red = marked('red', { name: 'release-named red' });
    const green = marked('green', { name: 'release-named green' });
    await store(node.ctx, [red, green]);
    const unknown = 'indicator--0badc0de-0000-4000-8000-000000000001';
    const made = await call('POST', '/api/v1/intel/releases', 'coordinator', { title: 'Named objects', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { ids: [red.id, green.id, unknown] } });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    for (const role of ['admin', 'coordinator'] as Role[]) {
      expect((await call('GET', `/api/v1/intel/releases/${id}`, role)).json().filter.ids).toEqual([red.id, green.id, unknown]);
      expect((await call('GET', '/api/v1/intel/releases', role)).body).toContain(red.id);
    }
    for (const role of ['officer', 'analyst', 'auditor'] as Role[]) {
      const one = await call('GET', `/api/v1/intel/releases/${id}`, role);
      expect(one.json().filter.ids).toEqual([green.id, unknown]);
      expect(one.body).not.toContain(red.id);
      expect((await call('GET', '/api/v1/intel/releases', role)).body).not.toContain(red.id);
    }
  });
});
