import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/context.js';
import { storeEntry } from '../../src/directory/directory.repository.js';
import type { DirectoryEntry } from '../../src/directory/directory.schemas.js';
import { runDuePingSchedules } from '../../src/directory/ping-schedules.service.js';
import { PING_EXPORT_FIELDS } from '../../src/directory/ping-tests.rules.js';
import { openNode } from '../../src/app/open-node.js';
import type { DbOrTrx } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { buildEntryInput } from './_entries.js';

/** A peer row as `accord peer add` leaves it, without a process behind it (nothing is delivered here). */
async function insertPeer(db: DbOrTrx, nodeId: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('peers')
    .values({ node_id: nodeId, base_url: 'http://127.0.0.1:1', country: 'KZ', names: '{"en":"Peer"}', authority_kinds: '["cert"]', key_suite: 'ed25519', public_key: 'x', fingerprint: 'f'.repeat(64), status: 'active', added_at: now, updated_at: now, last_contact_at: null, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]' })
    .execute();
}

/** A peer's published entry as the directory keeps it after `directory.entry/v1` arrived. */
function peerEntry(nodeId: string): DirectoryEntry {
  const { groups: _g, valid_days: _v, ...input } = buildEntryInput();
  const now = Date.now();
  return { ...input, node_id: nodeId, country: 'KZ', version: 1, published_at: new Date(now).toISOString(), valid_until: new Date(now + 180 * 86_400_000).toISOString() };
}

const DAY = 86_400_000;
const GROUP = { name: 'CA CERTs', level: 'regional', agreement: { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' }, members: ['kz-cert'] };

describe.each(DIALECTS)('scheduled ping tests, history and export on %s', (dialect) => {
  let node: TestNode;
  let ctx: NodeContext;
  let app: FastifyInstance;
  let coordinator: Record<string, string>;
  let analyst: Record<string, string>;
  let coordinatorId = '';

  const count = async (table: 'ping_schedules' | 'ping_tests') => Number((await ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const post = (payload: object, headers = coordinator) => app.inject({ method: 'POST', url: '/api/v1/ping-schedules', headers, payload });
  const schedule = async (id: string) => (await app.inject({ url: '/api/v1/ping-schedules', headers: analyst })).json().find((s: { id: string }) => s.id === id);
  const actions = async () => (await ctx.store.db.selectFrom('audit_log').select(['action', 'actor', 'target', 'details']).orderBy('seq').execute()).map((a) => ({ ...a, details: JSON.parse(a.details) }));

  beforeAll(async () => {
    node = await createTestNode(dialect, {}, 'uz-cert');
    ctx = node.ctx;
    app = await buildTestApp(ctx);
    const c = await buildUser(ctx, 'coordinator');
    coordinatorId = c.user.id;
    coordinator = { authorization: `Bearer ${c.token}` };
    analyst = { authorization: `Bearer ${(await buildUser(ctx, 'analyst')).token}` };
    for (const p of ['kz-cert', 'kg-ca', 'tj-cert']) await insertPeer(ctx.store.db, p);
    await storeEntry(ctx.store.db, peerEntry('kz-cert'), { envelope: null, isOwn: false });
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('creates, lists and deletes a schedule, and audits both', async () => {
    const first = new Date(Date.now() + 3 * DAY).toISOString();
    const res = await post({ node_id: 'kz-cert', interval_days: 91, window_minutes: 120, first_run_at: first });
    expect(res.statusCode).toBe(201);
    const s = res.json();
    expect(s).toEqual({ id: expect.any(String), node_id: 'kz-cert', group_id: null, interval_days: 91, window_minutes: 120, next_run_at: first, last_run_at: null, created_by: `user:${coordinatorId}`, created_at: expect.any(String) });
    expect(await schedule(s.id)).toEqual(s);
    // The window defaults to that of a ping test started by hand; a first run given with an offset is kept in UTC.
    const other = (await post({ node_id: 'kg-ca', interval_days: 30, first_run_at: '2030-01-01T05:00:00+05:00' })).json();
    expect(other).toMatchObject({ window_minutes: 60, next_run_at: '2030-01-01T00:00:00.000Z' });

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${s.id}`, headers: coordinator })).statusCode).toBe(204);
    expect(await schedule(s.id)).toBeUndefined();
    const gone = await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${s.id}`, headers: coordinator });
    expect(gone.json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${other.id}`, headers: coordinator });

    const audit = (await actions()).filter((a) => a.target === `ping_schedule:${s.id}`);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['ping_schedule.create', `user:${coordinatorId}`], ['ping_schedule.delete', `user:${coordinatorId}`]]);
    expect(audit[0]!.details).toMatchObject({ node_id: 'kz-cert', interval_days: 91, window_minutes: 120, first_run_at: first });
  });

  it('refuses a schedule without exactly one target or with bad numbers, with a 400 problem, and stores nothing', async () => {
    const before = await count('ping_schedules');
    const bad: [object, RegExp | null][] = [
      [{ interval_days: 7 }, /exactly one of node_id and group_id/],
      [{ node_id: 'kz-cert', group_id: '01900000-0000-7000-8000-000000000000', interval_days: 7 }, /exactly one of node_id and group_id/],
      [{ node_id: 'kz-cert' }, null],
      [{ node_id: 'kz-cert', interval_days: 0 }, null],
      [{ node_id: 'kz-cert', interval_days: 367 }, null],
      [{ node_id: 'kz-cert', interval_days: 1.5 }, null],
      [{ node_id: 'kz-cert', interval_days: 7, window_minutes: 0 }, null],
      [{ node_id: 'kz-cert', interval_days: 7, window_minutes: 10_081 }, null],
      [{ node_id: 'kz-cert', interval_days: 7, first_run_at: 'next Monday' }, null],
      [{ node_id: 'kz-cert', interval_days: 7, first_run_at: '2026-12-01' }, null],
      [{ node_id: '', interval_days: 7 }, null],
      [{ node_id: 'kz-cert', interval_days: 7, every: 'quarter' }, null],
    ];
    for (const [body, detail] of bad) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (detail) expect(res.json().detail).toMatch(detail);
    }
    expect(await count('ping_schedules')).toBe(before);
  });

  it('answers an unknown node or group with a 404 problem, and lets only coordinators change schedules', async () => {
    expect((await post({ node_id: 'nobody', interval_days: 7 })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    expect((await post({ group_id: '01900000-0000-7000-8000-000000000000', interval_days: 7 })).json()).toMatchObject({ status: 404, type: 'urn:accord:problem:not-found' });
    expect((await post({ node_id: 'kz-cert', interval_days: 7 }, analyst)).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/ping-schedules/01900000-0000-7000-8000-000000000000', headers: coordinator })).statusCode).toBe(404);
  });

  it('starts a due schedule once, tags its tests, and after downtime moves to the next future slot', async () => {
    const now = new Date();
    // Due 200 days ago, every 91 days: two slots were missed while the node was down.
    const due = new Date(now.getTime() - 200 * DAY).toISOString();
    const s = (await post({ node_id: 'kz-cert', interval_days: 91, window_minutes: 45, first_run_at: due })).json();
    expect(await runDuePingSchedules(ctx, now)).toEqual({ [s.id]: 'started' });
    const tests = await ctx.store.db.selectFrom('ping_tests').selectAll().where('schedule_id', '=', s.id).execute();
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ direction: 'outgoing', peer_node: 'kz-cert', status: 'pending', window_minutes: 45, started_at: now.toISOString() });
    const after = await schedule(s.id);
    expect(after.last_run_at).toBe(now.toISOString());
    const next = Date.parse(after.next_run_at);
    expect(next).toBeGreaterThan(now.getTime());
    expect(next - now.getTime()).toBeLessThanOrEqual(91 * DAY);
    expect((next - Date.parse(due)) % (91 * DAY)).toBe(0);
    // Nothing more is due: a second sweep starts nothing.
    expect(await runDuePingSchedules(ctx, new Date(now.getTime() + 1000))).toEqual({});
    expect(await ctx.store.db.selectFrom('ping_tests').select('id').where('schedule_id', '=', s.id).execute()).toHaveLength(1);
    // The next slot runs again; the queued message carries the test to the peer.
    expect(await runDuePingSchedules(ctx, new Date(next))).toEqual({ [s.id]: 'started' });
    expect(await ctx.store.db.selectFrom('ping_tests').select('id').where('schedule_id', '=', s.id).execute()).toHaveLength(2);
    expect(await ctx.store.db.selectFrom('outbox').select('id').where('peer_id', '=', 'kz-cert').where('type', '=', 'directory.ping_test/v1').execute()).toHaveLength(2);
    const started = (await actions()).filter((a) => a.action === 'ping_test.start' && a.details.schedule_id === s.id);
    expect(started).toHaveLength(2);
    expect(started[0]).toMatchObject({ actor: 'system', details: { targets: ['kz-cert'], window_minutes: 45 } });
    // The list shows which schedule started a test.
    const listed = (await app.inject({ url: '/api/v1/ping-tests?direction=outgoing', headers: analyst })).json();
    expect(listed.filter((t: { schedule_id: string | null }) => t.schedule_id === s.id)).toHaveLength(2);
    await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${s.id}`, headers: coordinator });
  });

  it('skips a run that cannot start (no other member yet, a removed peer) until the next slot, and says why', async () => {
    const group = await app.inject({ method: 'POST', url: '/api/v1/groups', headers: coordinator, payload: GROUP });
    expect(group.statusCode).toBe(201);
    const byGroup = await post({ group_id: group.json().id, interval_days: 30 });
    expect(byGroup.statusCode).toBe(201);
    expect(byGroup.json()).toMatchObject({ node_id: null, group_id: group.json().id });
    const byNode = (await post({ node_id: 'tj-cert', interval_days: 30 })).json();
    await ctx.store.db.updateTable('peers').set({ status: 'removed' }).where('node_id', '=', 'tj-cert').execute();

    const now = new Date(Date.now() + 1000);
    expect(await runDuePingSchedules(ctx, now)).toEqual({ [byGroup.json().id]: 'skipped', [byNode.id]: 'skipped' });
    expect(await ctx.store.db.selectFrom('ping_tests').select('id').where('schedule_id', 'in', [byGroup.json().id, byNode.id]).execute()).toEqual([]);
    const skips = (await actions()).filter((a) => a.action === 'ping_schedule.skip');
    expect(skips.map((a) => [a.target, a.details.reason])).toEqual([
      [`ping_schedule:${byGroup.json().id}`, 'nobody to test'],
      [`ping_schedule:${byNode.id}`, 'peer tj-cert was removed'],
    ]);
    expect(Date.parse((await schedule(byNode.id)).next_run_at)).toBeGreaterThan(now.getTime());
    expect(await runDuePingSchedules(ctx, now)).toEqual({});
    for (const id of [byGroup.json().id, byNode.id]) await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${id}`, headers: coordinator });
  });

  it.runIf(dialect === 'postgres')('starts a due run exactly once when two processes share the database', async () => {
    const other = await openNode(ctx.settings);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await post({ node_id: 'kg-ca', interval_days: 7, first_run_at: new Date(Date.now() - DAY).toISOString() })).json().id);
      const now = new Date();
      const [mine, theirs] = await Promise.all([runDuePingSchedules(ctx, now), runDuePingSchedules(other, now)]);
      for (const id of ids) expect([mine[id], theirs[id]].filter((o) => o === 'started')).toHaveLength(1);
      const tests = await ctx.store.db.selectFrom('ping_tests').select(['schedule_id']).where('schedule_id', 'in', ids).execute();
      expect(tests.map((t) => t.schedule_id).sort()).toEqual([...ids].sort());
      for (const id of ids) await app.inject({ method: 'DELETE', url: `/api/v1/ping-schedules/${id}`, headers: coordinator });
    } finally {
      await other.store.close();
    }
  });

  it('shows with each test whether its peer is reachable and how fresh its directory entry is', async () => {
    const started = await app.inject({ method: 'POST', url: '/api/v1/ping-tests', headers: coordinator, payload: { node_id: 'kg-ca' } });
    expect(started.statusCode).toBe(201);
    const peerState = async (peer: string) => (await app.inject({ url: '/api/v1/ping-tests', headers: analyst })).json().find((t: { peer_node: string }) => t.peer_node === peer);
    // Never contacted, no directory entry: unknown on both counts.
    expect(await peerState('kg-ca')).toMatchObject({ peer_reachable: null, peer_freshness: null });
    expect(await peerState('kz-cert')).toMatchObject({ peer_reachable: null, peer_freshness: 'valid' });
    const t = Date.now();
    await ctx.store.db.updateTable('peers').set({ last_contact_at: new Date(t - 60_000).toISOString(), last_error: 'connect ECONNREFUSED', last_error_at: new Date(t).toISOString() }).where('node_id', '=', 'kg-ca').execute();
    await ctx.store.db.updateTable('peers').set({ last_contact_at: new Date(t).toISOString() }).where('node_id', '=', 'kz-cert').execute();
    await ctx.store.db.updateTable('directory_entries').set({ published_at: new Date(t - 120 * DAY).toISOString() }).where('node_id', '=', 'kz-cert').execute();
    expect(await peerState('kg-ca')).toMatchObject({ peer_reachable: false, peer_freshness: null });
    expect(await peerState('kz-cert')).toMatchObject({ peer_reachable: true, peer_freshness: 'stale' });
  });

  it('gives response rates and times per node over months or quarters', async () => {
    const test = (id: string, started_at: string, status: 'answered' | 'unanswered' | 'pending', response_ms: number | null = null) => ({
      id, direction: 'outgoing' as const, peer_node: 'hist-cert', started_at, deadline_at: started_at, window_minutes: 60, status, token_hash: null, escalation_level: 0, confirmed_at: null, confirmed_by: null, response_ms, schedule_id: null,
    });
    await ctx.store.db
      .insertInto('ping_tests')
      .values([
        test('01900000-0000-7000-8000-0000000000a1', '2025-11-15T08:00:00.000Z', 'answered', 4000),
        test('01900000-0000-7000-8000-0000000000a2', '2026-02-01T08:00:00.000Z', 'answered', 2000),
        test('01900000-0000-7000-8000-0000000000a3', '2026-02-10T08:00:00.000Z', 'unanswered'),
        test('01900000-0000-7000-8000-0000000000a4', '2026-02-20T08:00:00.000Z', 'pending'),
      ])
      .execute();

    const monthly = await app.inject({ url: '/api/v1/ping-tests/history', headers: analyst });
    expect(monthly.statusCode).toBe(200);
    expect(monthly.json().bucket).toBe('month');
    expect(monthly.json().series.find((x: { key: string }) => x.key === 'node:hist-cert')).toEqual({
      key: 'node:hist-cert',
      kind: 'node',
      id: 'hist-cert',
      points: [
        { period: '2025-11', started: 1, answered: 1, unanswered: 0, pending: 0, response_rate: 1, median_ms: 4000, p90_ms: 4000 },
        { period: '2026-02', started: 3, answered: 1, unanswered: 1, pending: 1, response_rate: 0.5, median_ms: 2000, p90_ms: 2000 },
      ],
    });
    expect(monthly.json().series.map((x: { key: string }) => x.key)).toEqual(expect.arrayContaining(['node:kz-cert', 'node:kg-ca']));

    const quarterly = (await app.inject({ url: '/api/v1/ping-tests/history?bucket=quarter', headers: analyst })).json();
    expect(quarterly.bucket).toBe('quarter');
    expect(quarterly.series.find((x: { key: string }) => x.key === 'node:hist-cert').points.map((p: { period: string; started: number }) => [p.period, p.started])).toEqual([['2025-Q4', 1], ['2026-Q1', 3]]);
    expect((await app.inject({ url: '/api/v1/ping-tests/history?bucket=week', headers: analyst })).statusCode).toBe(400);
  });

  it('exports every ping test as a dated CSV or JSON attachment, formula-safe', async () => {
    const { db } = ctx.store;
    const one = { id: '01900000-0000-7000-8000-0000000000a1' };
    // confirmed_by comes from the peer: it must not become a formula in a spreadsheet.
    await db.updateTable('ping_tests').set({ confirmed_by: '=HYPERLINK("http://evil.example","Duty, night")', confirmed_at: '2026-01-01T00:00:00.000Z' }).where('id', '=', one.id).execute();
    const total = await count('ping_tests');

    const csv = await app.inject({ url: '/api/v1/ping-tests/export?format=csv', headers: analyst });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="accord-ping-tests-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(PING_EXPORT_FIELDS.join(','));
    expect(lines).toHaveLength(total + 1);
    expect(lines.find((l) => l.startsWith(one.id))).toContain(`,"'=HYPERLINK(""http://evil.example"",""Duty, night"")",4000`);

    const json = await app.inject({ url: '/api/v1/ping-tests/export?format=json', headers: analyst });
    expect(json.headers['content-disposition']).toMatch(/filename="accord-ping-tests-\d{4}-\d\d-\d\d\.json"/);
    const rows = json.json();
    expect(rows).toHaveLength(total);
    for (const r of rows) expect(Object.keys(r)).toEqual([...PING_EXPORT_FIELDS]);
    expect(rows.find((r: { id: string }) => r.id === one.id)).toMatchObject({ direction: 'outgoing', peer_node: 'hist-cert', response_ms: 4000, confirmed_by: '=HYPERLINK("http://evil.example","Duty, night")' });
    expect(JSON.stringify(rows)).not.toContain('token_hash');
    expect((await app.inject({ url: '/api/v1/ping-tests/export?format=xlsx', headers: analyst })).statusCode).toBe(400);
  });
});
