import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/store/db.js';
import { adminToken, apiOf, type Api } from '../cases/_cases.js';
import { openNodeStore, startFederation, waitFor } from '../federation/_federation.js';
import type { NodeProcess } from '../_util/node-process.js';
import { bundle } from './_intel.js';
import { marked } from './_releases.js';

const AGREEMENT = { title: 'Regional CERT cooperation', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

/**
 * Three real node processes over HTTP: uz-cert releases to a group of all three; tj-cert goes
 * down and comes back; markings hold on the sender and on the receivers.
 */
describe('intel releases between three node processes (sqlite)', () => {
  let nodes: NodeProcess[];
  let uz: NodeProcess, kz: NodeProcess, tj: NodeProcess;
  let api: Record<string, Api>;
  let stores: Record<string, StoreHandle>;
  let cleanup: () => Promise<void>;
  let groupId = '';
  let groupRelease = '';
  const objs = { clear: marked('clear', { name: 'p clear' }), green: marked('green', { name: 'p green' }), amber: marked('amber', { name: 'p amber' }), strict: marked('amber+strict', { name: 'p strict' }), red: marked('red', { name: 'p red' }) };

  beforeAll(async () => {
    const f = await startFederation('sqlite', ['uz-cert', 'kz-cert', 'tj-cert']);
    nodes = f.nodes;
    cleanup = f.cleanup;
    [uz, kz, tj] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    api = Object.fromEntries(nodes.map((n) => [n.nodeId, apiOf(n, adminToken(n))]));
    stores = Object.fromEntries(await Promise.all(nodes.map(async (n) => [n.nodeId, await openNodeStore(n)] as const)));
  }, 150_000);
  afterAll(async () => {
    await Promise.all(Object.values(stores ?? {}).map((s) => s.close()));
    await cleanup?.();
  });

  const importTo = async (n: NodeProcess, objects: unknown[]) => {
    const res = await fetch(`${n.url}/api/v1/intel/imports`, { method: 'POST', headers: { authorization: `Bearer ${adminToken(n)}`, 'content-type': 'application/stix+json' }, body: bundle(objects) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ refused: 0 });
  };
  const receivedFrom = async (n: NodeProcess, from: string) =>
    (await stores[n.nodeId]!.db.selectFrom('intel_objects').select(['seq', 'id', 'origin', 'source', 'tlp']).where('source', '=', from).orderBy('seq').execute()).map((r) => ({ ...r, seq: Number(r.seq) }));
  const idsOf = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

  it('forms a group of the three nodes by consent', async () => {
    const g = await api['uz-cert']!('POST', '/api/v1/groups', { name: 'Central Asian CERTs', level: 'regional', agreement: AGREEMENT, members: ['kz-cert', 'tj-cert'] });
    expect(g.status).toBe(201);
    groupId = g.json.id;
    for (const n of [kz, tj]) {
      const p = await waitFor(`${n.nodeId} sees the proposal`, async () => {
        const r = await api[n.nodeId]!('GET', `/api/v1/groups/${groupId}`);
        return r.status === 200 && r.json.proposals.find((x: { awaiting_me: boolean }) => x.awaiting_me);
      });
      expect((await api[n.nodeId]!('POST', `/api/v1/groups/${groupId}/proposals/${p.id}/consent`)).status).toBe(200);
    }
    for (const n of nodes) await waitFor(`group active on ${n.nodeId}`, async () => (await api[n.nodeId]!('GET', `/api/v1/groups/${groupId}`)).json.status === 'active');
  }, 90_000);

  it('releases to the group: every member gets what the policy lets through a group, never TLP:RED', async () => {
    await importTo(uz, Object.values(objs));
    const r = await api['uz-cert']!('POST', '/api/v1/intel/releases', { title: 'Indicators for the region', audience: { kind: 'group', group_id: groupId }, filter: { types: ['indicator'] } });
    expect(r.status).toBe(201);
    groupRelease = r.json.id;
    const expected = idsOf([objs.clear, objs.green, objs.amber, objs.strict]);
    for (const n of [kz, tj]) {
      const rows = await waitFor(`${n.nodeId} has the release`, async () => {
        const got = await receivedFrom(n, 'uz-cert');
        return got.length >= 4 && got;
      });
      expect(idsOf(rows)).toEqual(expected);
      expect(rows.every((x) => x.origin === 'received')).toBe(true);
    }
    const shown = await api['uz-cert']!('GET', `/api/v1/intel/releases/${groupRelease}`);
    expect(shown.json.peers.map((p: { peer_id: string; sent: number; withheld: number }) => [p.peer_id, p.sent, p.withheld])).toEqual([['kz-cert', 4, 1], ['tj-cert', 4, 1]]);
  }, 90_000);

  it('TLP:RED reaches only the peer a release names, and nothing received beyond GREEN passes on from a receiver', async () => {
    const red = await api['uz-cert']!('POST', '/api/v1/intel/releases', { title: 'RED for KZ only', audience: { kind: 'peer', node_id: 'kz-cert' }, filter: { ids: [objs.red.id] } });
    expect(red.status).toBe(201);
    await waitFor('RED at kz-cert', async () => (await receivedFrom(kz, 'uz-cert')).some((x) => x.id === objs.red.id));
    // kz-cert releases every indicator it holds to tj-cert, by name: only CLEAR and GREEN may go on.
    const onward = await api['kz-cert']!('POST', '/api/v1/intel/releases', { title: 'Onward to TJ', audience: { kind: 'peer', node_id: 'tj-cert' }, filter: { types: ['indicator'] } });
    expect(onward.status).toBe(201);
    const progress = await waitFor('kz-cert considered its store', async () => {
      const p = (await api['kz-cert']!('GET', `/api/v1/intel/releases/${onward.json.id}`)).json.peers[0];
      return p && p.sent + p.withheld === 5 && p;
    });
    expect([progress.sent, progress.withheld]).toEqual([2, 3]);
    const got = await waitFor('tj-cert got what kz-cert passed on', async () => {
      const r = (await api['tj-cert']!('GET', '/api/v1/intel/received-releases')).json.received.find((x: { release_id: string }) => x.release_id === onward.json.id);
      return r && r.objects === 2 && r;
    });
    expect([got.from_node, got.refused]).toEqual(['kz-cert', 0]);
    // tj-cert never holds the RED object, from anyone.
    expect(await stores['tj-cert']!.db.selectFrom('intel_objects').select('id').where('id', '=', objs.red.id).execute()).toEqual([]);
    const tjAdmin = await api['tj-cert']!('GET', `/api/v1/intel/objects/${objs.red.id}`);
    expect(tjAdmin.status).toBe(404);
    // Stopped, so that what follows reaches tj-cert from uz-cert alone (a copy through kz-cert would be stored as from kz-cert).
    expect((await api['kz-cert']!('POST', `/api/v1/intel/releases/${onward.json.id}/stop`)).status).toBe(200);
  }, 90_000);

  it('a member down and back gets every object released meanwhile, in order, none missing', async () => {
    await tj.stop();
    const batch = Array.from({ length: 1500 }, (_, i) => marked('green', { name: `while down ${i}` }));
    await importTo(uz, batch);
    await waitFor('kz-cert got them', async () => (await receivedFrom(kz, 'uz-cert')).length >= 5 + 1500, 60_000);
    await tj.restart();
    const rows = await waitFor('tj-cert got them after it came back', async () => {
      const got = await receivedFrom(tj, 'uz-cert');
      return got.length >= 4 + 1500 && got;
    }, 90_000).catch(async (e) => {
      const out = await stores['uz-cert']!.db.selectFrom('outbox').select(['seq', 'type', 'state', 'reject_reason']).where('peer_id', '=', 'tj-cert').orderBy('seq').execute();
      console.log('DIAG outbox', JSON.stringify(out), JSON.stringify(await api['uz-cert']!('GET', '/api/v1/peers')), (await receivedFrom(tj, 'uz-cert')).length);
      throw e;
    });
    const late = rows.filter((r) => batch.some((b) => b.id === r.id));
    // In release order: tj-cert stored them in the order uz-cert imported them.
    expect(late.map((r) => r.id)).toEqual(batch.map((b) => b.id));
    const rel = (await api['tj-cert']!('GET', '/api/v1/intel/received-releases')).json.received.find((x: { release_id: string }) => x.release_id === groupRelease);
    expect(rel).toMatchObject({ from_node: 'uz-cert', held: 0, refused: 0, objects: 4 + 1500 });
    const sender = (await api['uz-cert']!('GET', `/api/v1/intel/releases/${groupRelease}`)).json.peers.find((p: { peer_id: string }) => p.peer_id === 'tj-cert');
    expect(rel.messages).toBe(sender.messages);
  }, 180_000);
});
