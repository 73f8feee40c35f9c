import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { assemble } from '../../src/app/assembly.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import type { Role } from '../../src/auth/roles.js';
import type { Capability, DeskItem } from '../../src/capability.js';
import { receivePingTest } from '../../src/directory/ping-tests.service.js';
import type { DeskViewBody } from '../../src/desk/desk.schemas.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

const ROLES: Role[] = ['admin', 'coordinator', 'officer', 'analyst', 'auditor'];

describe.each(DIALECTS)('GET /api/v1/desk on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  const desk = async (role: Role): Promise<DeskViewBody> => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/desk', headers: { authorization: `Bearer ${tokens[role]}` } });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const kinds = (d: DeskViewBody) => d.items.map((i) => i.kind);

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ROLES) tokens[role] = (await buildUser(node.ctx, role)).token;
    // Peers at either end of the panel: one in trouble with a backlog, one never contacted.
    const now = new Date().toISOString();
    const peerRow = (node_id: string) => ({ node_id, base_url: `http://${node_id}.example`, country: 'KZ', names: '{}', authority_kinds: '[]', key_suite: 'ed25519', public_key: 'k', fingerprint: node_id, status: 'active' as const, added_at: now, updated_at: now, last_contact_at: null, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 3, lease_owner: null, lease_until: null, retired_keys: '[]' });
    await node.ctx.store.db.insertInto('peers').values([{ ...peerRow('kz-cert'), last_contact_at: '2026-11-30T10:00:00.000Z', last_error: 'refused', last_error_at: '2026-11-30T11:00:00.000Z', failures: 4 }, peerRow('tj-cert')]).execute();
    await node.ctx.store.db
      .insertInto('outbox')
      .values([1, 2].map((seq) => ({ id: `m${seq}`, peer_id: 'kz-cert', seq, type: 'federation.notice/v1', envelope: '{}', state: 'pending' as const, created_at: `2026-11-30T0${seq}:00:00.000Z`, delivered_at: null, receipt_id: null, reject_reason: null })))
      .execute();
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('refuses anyone not signed in', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/desk' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('asks those who keep the directory to publish the missing own entry, urgently', async () => {
    for (const role of ['admin', 'coordinator'] as const) {
      const d = await desk(role);
      expect(d.own_entry).toEqual({ published_at: null, valid_until: null, freshness: 'missing' });
      expect(d.items).toContainEqual(expect.objectContaining({ kind: 'directory.own_entry_to_renew', id: 'test-node', params: { freshness: 'missing' }, link: '/directory/own', severity: 'urgent' }));
    }
    // Everyone sees the entry's freshness; only those who may publish it are asked to.
    for (const role of ['officer', 'analyst', 'auditor'] as const) {
      const d = await desk(role);
      expect(d.own_entry?.freshness).toBe('missing');
      expect(kinds(d)).not.toContain('directory.own_entry_to_renew');
    }
  });

  it('shows the peers panel to the roles that read peers, with the backlog and the unreachable peer first', async () => {
    for (const role of ['admin', 'coordinator', 'auditor'] as const) {
      const { peers } = await desk(role);
      expect(peers).toMatchObject({ total: 2, unreachable: 1, with_backlog: 1, pending_messages: 2, oldest_pending_at: '2026-11-30T01:00:00.000Z' });
      expect(peers!.peers[0]).toEqual({ node_id: 'kz-cert', status: 'active', reachable: false, last_contact_at: '2026-11-30T10:00:00.000Z', last_error_at: '2026-11-30T11:00:00.000Z', outbox_depth: 2, oldest_pending_at: '2026-11-30T01:00:00.000Z' });
      expect(peers!.peers[1]).toMatchObject({ node_id: 'tj-cert', reachable: null, outbox_depth: 0 });
    }
    for (const role of ['officer', 'analyst'] as const) expect((await desk(role)).peers).toBeNull();
  });

  it('lists an incoming ping test for everyone who may answer it, until it is confirmed', async () => {
    const testId = 'pt-desk-1';
    await node.ctx.store.db.transaction().execute((trx) => receivePingTest(node.ctx, trx, 'kz-cert', { test_id: testId, window_minutes: 30, started_at: new Date().toISOString() }));
    for (const role of ['admin', 'coordinator', 'officer', 'analyst'] as const) {
      const item = (await desk(role)).items.find((i) => i.kind === 'directory.ping_test_to_confirm');
      expect(item).toMatchObject({ id: testId, params: { peer: 'kz-cert', window_minutes: 30 }, link: '/directory/ping-tests', severity: 'attention' });
      expect(Date.parse(item!.due!) - Date.parse(item!.since)).toBe(30 * 60_000);
    }
    // The auditor only reads: nothing waits for them.
    expect(kinds(await desk('auditor'))).toEqual([]);
    // The urgent missing entry comes before the test, which has more than a quarter of its window left.
    expect(kinds(await desk('admin'))).toEqual(['directory.own_entry_to_renew', 'directory.ping_test_to_confirm']);

    const confirmed = await app.inject({ method: 'POST', url: `/api/v1/ping-tests/${testId}/confirm`, headers: { authorization: `Bearer ${tokens.officer}` } });
    expect(confirmed.statusCode).toBe(200);
    for (const role of ['officer', 'admin'] as const) expect(kinds(await desk(role))).not.toContain('directory.ping_test_to_confirm');
  });

  it('leaves out a ping test whose window has closed, even before the sweep marks it', async () => {
    await node.ctx.store.db.transaction().execute((trx) => receivePingTest(node.ctx, trx, 'kz-cert', { test_id: 'pt-desk-late', window_minutes: 1, started_at: new Date().toISOString() }));
    await node.ctx.store.db.updateTable('ping_tests').set({ deadline_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', 'pt-desk-late').execute();
    expect((await desk('officer')).items.map((i) => i.id)).not.toContain('pt-desk-late');
  });

  it('asks to renew an entry that is expiring, as attention, with its expiry as the deadline', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const entry = { node_id: 'test-node', country: 'UZ', version: 1, published_at: new Date().toISOString(), valid_until: soon, authority_names: { en: 'Test' }, authority_kinds: ['cert'], time_zone: 'UTC', languages: ['en'], contacts: [] };
    await node.ctx.store.db
      .insertInto('directory_entries')
      .values({ node_id: 'test-node', country: 'UZ', version: 1, entry: JSON.stringify(entry), envelope: null, published_at: entry.published_at, valid_until: soon, received_at: entry.published_at, is_own: 1, kinds: ',cert,', search_text: 'test' } as never)
      .execute();
    const d = await desk('coordinator');
    expect(d.own_entry).toEqual({ published_at: entry.published_at, valid_until: soon, freshness: 'expiring' });
    expect(d.items.find((i) => i.kind === 'directory.own_entry_to_renew')).toMatchObject({ severity: 'attention', due: soon, params: { freshness: 'expiring' } });
  });
});

describe('a part of the desk that fails', () => {
  let node: TestNode;
  let app: FastifyInstance;
  let token = '';
  const item: DeskItem = { kind: 'probe.thing', id: '1', params: { n: 1 }, link: '/probe', since: '2026-12-01T00:00:00.000Z', severity: 'info' };
  const broken: Capability = { name: 'broken', desk: { kinds: ['broken.thing'], items: () => Promise.reject(new Error('the table is gone')) } };
  const probe: Capability = { name: 'probe', desk: { kinds: ['probe.thing'], items: async (_ctx, viewer) => [{ ...item, params: { role: viewer.role } }] } };

  beforeAll(async () => {
    node = await createTestNode('sqlite', { requireAdminTotp: false });
    const assembly = assemble([...CAPABILITIES, broken, probe]);
    const ctx = { ...node.ctx, catalog: assembly.catalog };
    app = await buildApp(ctx, { logger: false, assembly });
    ({ token } = await buildUser(ctx, 'officer'));
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('is named as unavailable and the rest of the desk still shows', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/desk', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const d = res.json<DeskViewBody>();
    expect(d.unavailable).toEqual(['broken']);
    // The item is asked for the viewer (the officer), and the own entry still shows.
    expect(d.items).toContainEqual({ ...item, params: { role: 'officer' } });
    expect(d.own_entry?.freshness).toBe('missing');
  });
});
