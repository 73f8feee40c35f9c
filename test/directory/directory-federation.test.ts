import { beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { Receipt } from '../../src/federation/protocol/receipt.js';
import { loadIdentity } from '../../src/node/identity.js';
import { DIALECTS } from '../_util/db.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { buildEntryInput } from './_entries.js';
import { PGP_FINGERPRINT, PGP_KEY, SMIME_FINGERPRINT } from './_keys.js';

describe.each(DIALECTS)('directory entries travel between nodes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess;
  let tokenA = '';
  let tokenB = '';
  const fx = useTwoNodes(dialect);
  beforeAll(() => {
    ({ a, b } = fx);
    tokenA = runCliJson<{ token: string }>(['token', 'create', '--data', a.dataDir, '--user', a.adminEmail, '--name', 't']).token;
    tokenB = runCliJson<{ token: string }>(['token', 'create', '--data', b.dataDir, '--user', b.adminEmail, '--name', 't']).token;
  });

  const api = async (n: NodeProcess, token: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${n.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, json: (await res.json()) as never };
  };

  it('a published entry reaches the peer, signed, and newer versions replace it', async () => {
    const pub = await api(a, tokenA, '/api/v1/directory/own', { method: 'PUT', body: JSON.stringify(buildEntryInput()) });
    expect(pub.json).toMatchObject({ published_to: ['kz-cert'], entry: { version: 1 } });
    const seen = await waitFor('the entry on B', async () => {
      const r = await api(b, tokenB, '/api/v1/directory?q=oʻzbekiston');
      return (r.json as unknown[]).length === 1 ? (r.json as { entry: { node_id: string; version: number }; own: boolean; signed_by: string; freshness: string }[])[0] : undefined;
    });
    expect(seen).toMatchObject({ entry: { node_id: 'uz-cert', version: 1 }, own: false, signed_by: a.fingerprint, freshness: 'valid' });

    await api(a, tokenA, '/api/v1/directory/own/confirm', { method: 'POST', body: '{}' });
    await waitFor('version 2 on B', async () => (await api(b, tokenB, '/api/v1/directory/nodes/uz-cert')).json['entry' as never]?.['version' as never] === 2);
  });

  it('ignores an entry a node publishes about another node, and keeps the newest version', async () => {
    const idA = loadIdentity(a.dataDir);
    const forged = { ...buildEntryInput(), node_id: 'kz-cert', country: 'KZ', version: 99, published_at: new Date().toISOString(), valid_until: new Date(Date.now() + 86_400_000).toISOString() };
    delete (forged as { valid_days?: number }).valid_days;
    delete (forged as { groups?: string[] }).groups;
    const old = { ...forged, node_id: 'uz-cert', country: 'UZ', version: 1 };
    const env = (body: unknown) => signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'directory.entry/v1', issued_at: new Date().toISOString(), body } as Envelope);
    const batch = signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [env(forged), env(old)] } } as Envelope);
    const res = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
    expect(((await res.json()) as Receipt).items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    expect((await api(b, tokenB, '/api/v1/directory/nodes/kz-cert')).status).toBe(404);
    expect((await api(b, tokenB, '/api/v1/directory/nodes/uz-cert')).json['entry' as never]?.['version' as never]).toBe(2);
  });

  it("checks a peer's entry against the pinned peer and bounds its dates; ignores an acknowledgement with a bad time", async () => {
    const idA = loadIdentity(a.dataDir);
    const now = Date.now();
    const entry = (over: Record<string, unknown>) => {
      const e: Record<string, unknown> = { ...buildEntryInput(), node_id: 'uz-cert', country: 'UZ', version: 50, published_at: new Date(now).toISOString(), valid_until: new Date(now + 86_400_000).toISOString(), ...over };
      delete e.valid_days;
      delete e.groups;
      return e;
    };
    const send = async (items: { type: string; body: unknown }[]) => {
      const envs = items.map((i) => signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: i.type, issued_at: new Date().toISOString(), body: i.body } as Envelope));
      const batch = signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: envs } } as Envelope);
      const res = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      return ((await res.json()) as Receipt).items.map((i) => i.status);
    };
    const before = (await api(b, tokenB, '/api/v1/directory/nodes/uz-cert')).json['entry' as never];
    const bad = [
      entry({ country: 'KZ' }), // uz-cert was pinned as UZ
      entry({ valid_until: '9999-12-31T23:59:59.000Z' }),
      entry({ valid_until: new Date(now + 800 * 86_400_000).toISOString() }),
      entry({ published_at: 'not-a-date-but-long-enough' }),
      entry({ published_at: new Date(now + 30 * 86_400_000).toISOString(), valid_until: new Date(now + 60 * 86_400_000).toISOString() }),
      entry({ valid_until: new Date(now - 1000).toISOString() }),
    ];
    await send(bad.map((body) => ({ type: 'directory.entry/v1', body })));
    expect((await api(b, tokenB, '/api/v1/directory/nodes/uz-cert')).json['entry' as never]).toEqual(before);

    const started = await api(b, tokenB, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'uz-cert', window_minutes: 30 }) });
    const testId = (started.json as { id: string }[])[0]!.id;
    const mine = async () => ((await api(b, tokenB, '/api/v1/ping-tests?direction=outgoing')).json as { id: string; status: string; confirmed_at: string | null }[]).find((t) => t.id === testId)!;
    await send([
      { type: 'directory.ping_ack/v1', body: { test_id: testId, confirmed_at: 'not-a-date-but-long-enough', confirmed_by: 'x' } },
      { type: 'directory.ping_ack/v1', body: { test_id: testId, confirmed_at: '9999-12-31T23:59:59.000Z', confirmed_by: 'x' } },
    ]);
    expect(await mine()).toMatchObject({ status: 'pending', confirmed_at: null });
    const at = new Date().toISOString();
    await send([{ type: 'directory.ping_ack/v1', body: { test_id: testId, confirmed_at: at, confirmed_by: 'duty' } }]);
    expect(await mine()).toMatchObject({ status: 'answered', confirmed_at: at });
  });
  it('keeps entries in the shape of the previous version and takes the new channels, ignoring bad fingerprints', async () => {
    const idA = loadIdentity(a.dataDir);
    const now = Date.now();
    const send = async (body: unknown) => {
      const env = signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'directory.entry/v1', issued_at: new Date().toISOString(), body } as Envelope);
      const batch = signEnvelope(idA, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [env] } } as Envelope);
      const res = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      return ((await res.json()) as Receipt).items.map((i) => i.status);
    };
    const stored = async () => (await api(b, tokenB, '/api/v1/directory/nodes/uz-cert')).json['entry' as never] as { version: number; contacts: { channels: unknown[] }[] };
    const dates = { published_at: new Date(now).toISOString(), valid_until: new Date(now + 86_400_000).toISOString() };
    // exactly what a node of the previous version publishes: phone, e-mail and Accord channels, no new fields
    const previous = {
      node_id: 'uz-cert', country: 'UZ', version: 60, authority_names: { en: 'Uzbekistan national CERT' }, authority_kinds: ['cert'], time_zone: 'Asia/Tashkent', languages: ['uz'],
      contacts: [{ id: 'duty', role: 'law_enforcement_24_7', names: { en: 'Duty officer' }, languages: ['uz'], hours: { always: true }, channels: [{ kind: 'phone', value: '+998 71 000 00 00' }, { kind: 'accord', value: 'uz-cert' }] }],
      ...dates,
    };
    expect(await send(previous)).toEqual(['accepted']);
    expect(await stored()).toMatchObject({ version: 60, contacts: [{ channels: [{ kind: 'phone' }, { kind: 'accord' }] }] });

    const withChannels = (version: number, channels: unknown[]) => ({ ...previous, version, contacts: [{ ...previous.contacts[0], channels }] });
    expect(await send(withChannels(61, [{ kind: 'pgp', value: 'ABC' }]))).toEqual(['accepted']); // received, but not kept
    expect(await send(withChannels(62, [{ kind: 'smime', value: SMIME_FINGERPRINT, certificate: PGP_KEY }]))).toEqual(['accepted']);
    expect((await stored()).version).toBe(60);
    const good = [{ kind: 'pgp', value: PGP_FINGERPRINT, key: PGP_KEY }, { kind: 'messenger', messenger: 'threema', value: 'ABCD1234' }, { kind: 'fax', value: '+998 71 000 00 01' }];
    expect(await send(withChannels(63, good))).toEqual(['accepted']);
    expect(await stored()).toMatchObject({ version: 63, contacts: [{ channels: good }] });
  });
  it('counts a successful peer ping as contact with the peer ("last contact")', async () => {
    const long = '2020-01-01T00:00:00.000Z';
    await fx.storeB.db.updateTable('peers').set({ last_contact_at: long }).where('node_id', '=', 'uz-cert').execute();
    expect((await api(b, tokenB, '/api/v1/peers/uz-cert/ping', { method: 'POST', body: '{}' })).status).toBe(200);
    const peer = (await api(b, tokenB, '/api/v1/peers')).json as { node_id: string; last_contact_at: string; reachable: boolean }[];
    expect(Date.parse(peer.find((p) => p.node_id === 'uz-cert')!.last_contact_at)).toBeGreaterThan(Date.now() - 60_000);
  });
});
