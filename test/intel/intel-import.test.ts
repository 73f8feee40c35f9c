import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { bundle, indicator } from './_intel.js';

/** The STIX store over HTTP: streamed bundle import, objects, versions, the release policy on reading. */
describe.each(DIALECTS)('intel import (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) tokens[role] = (await buildUser(node.ctx, role)).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  const post = (body: string, role: Role = 'analyst', type = 'application/stix+json;version=2.1') => app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': type }, payload: body });
  const get = (url: string, role: Role = 'analyst') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });

  it('stores the good objects of a bundle and names each bad one by position, id and reason', async () => {
    const good = [indicator(), indicator({ name: 'Phishing kit' })];
    const badTime = indicator({ modified: '2020-01-01T00:00:00.000Z' });
    const r = await post(bundle([good[0], badTime, { type: 'indicator' }, 'not an object', good[1]]));
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s).toMatchObject({ state: 'done', objects_read: 5, stored: 2, duplicates: 0, refused: 3, error: null });
    expect(s.refusals.map((x: { index: number }) => x.index)).toEqual([1, 2, 3]);
    expect(s.refusals[0].id).toBe(badTime.id);
    expect(s.refusals[0].errors.length).toBeGreaterThan(0);
    const progress = (await get(`/api/v1/intel/imports/${s.import_id}`)).json();
    expect(progress).toMatchObject({ state: 'done', stored: 2, refused: 3, objects_read: 5 });
    expect(progress.bytes_read).toBeGreaterThan(0);
    const v = (await get(`/api/v1/intel/objects/${good[1]!.id}`)).json();
    expect(v.versions).toHaveLength(1);
    expect(v.versions[0]).toMatchObject({ id: good[1]!.id, type: 'indicator', origin: 'local', tlp: null, revoked: false });
    expect(v.versions[0].object).toEqual(good[1]);
  });

  it('stores an object holding U+0000, tabs and backslashes as sent, and finds it by its words, without failing the batch around it', async () => {
    const odd = indicator({ name: 'nul\u0000inside\ttab \\ back', description: 'line\nbreak' });
    const plain = indicator({ name: 'beside the odd one' });
    const s = (await post(bundle([odd, plain]))).json();
    expect(s).toMatchObject({ state: 'done', stored: 2, refused: 0, error: null });
    expect((await get(`/api/v1/intel/objects/${odd.id}`)).json().versions[0].object).toEqual(odd);
    const found = (await get('/api/v1/intel/objects?q=nulinside')).json().objects;
    expect(found.map((x: { id: string }) => x.id)).toEqual([odd.id]);
  });

  it('is idempotent: the same bundle again stores nothing; a newer version becomes the latest', async () => {
    const o = indicator({ name: 'versioned' });
    const first = (await post(bundle([o]))).json();
    expect(first.stored).toBe(1);
    expect((await post(bundle([o, o]))).json()).toMatchObject({ stored: 0, duplicates: 2 });
    const newer = { ...o, modified: '2026-12-02T10:00:00.000Z', name: 'versioned, renamed' };
    expect((await post(bundle([newer]))).json()).toMatchObject({ stored: 1 });
    const versions = (await get(`/api/v1/intel/objects/${o.id}`)).json().versions;
    expect(versions.map((x: { version: string }) => x.version)).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-02T10:00:00.000Z']);
    const list = (await get('/api/v1/intel/objects?q=versioned')).json().objects;
    expect(list.map((x: { object: { name: string } }) => x.object.name)).toEqual(['versioned, renamed']);
  });

  it('lists newest first in pages, by type, TLP and words', async () => {
    const red = indicator({ name: 'paging red', object_marking_refs: [tlp2MarkingId('red')] });
    const green = Array.from({ length: 5 }, (_, i) => indicator({ name: `paging green ${i}`, object_marking_refs: [tlp2MarkingId('green')] }));
    await post(bundle([...green, red]));
    const seen: string[] = [];
    let next: number | null = null;
    do {
      const page: { objects: { object: { name: string } }[]; next: number | null } = (await get(`/api/v1/intel/objects?q=paging&limit=2${next ? `&before=${next}` : ''}`, 'admin')).json();
      seen.push(...page.objects.map((x: { object: { name: string } }) => x.object.name));
      next = page.next;
    } while (next);
    expect(seen).toEqual(['paging red', 'paging green 4', 'paging green 3', 'paging green 2', 'paging green 1', 'paging green 0']);
    expect((await get('/api/v1/intel/objects?q=paging&tlp=red', 'admin')).json().objects).toHaveLength(1);
    expect((await get('/api/v1/intel/objects?q=paging%20GREEN%203')).json().objects).toHaveLength(1);
  });

  it('shows TLP:RED only to its named recipients (intel:red), and hides it as not found from others', async () => {
    const red = indicator({ name: 'red only', object_marking_refs: [tlp2MarkingId('red')] });
    await post(bundle([red]), 'coordinator');
    for (const role of ['analyst', 'officer', 'auditor'] as Role[]) {
      expect((await get('/api/v1/intel/objects?q=red%20only', role)).json().objects).toEqual([]);
      expect((await get(`/api/v1/intel/objects/${red.id}`, role)).statusCode).toBe(404);
    }
    for (const role of ['admin', 'coordinator'] as Role[]) expect((await get(`/api/v1/intel/objects/${red.id}`, role)).statusCode).toBe(200);
  });

  it('refuses what is not a readable bundle with a problem, keeping what came before', async () => {
    const o = indicator({ name: 'before the break' });
    const cut = bundle([o, indicator()]).slice(0, -20);
    const r = await post(cut);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ type: expect.stringContaining('invalid-bundle'), state: 'failed', stored: 1 });
    expect((await get(`/api/v1/intel/objects/${o.id}`)).statusCode).toBe(200);
    expect((await post(JSON.stringify({ type: 'report', objects: [] }))).statusCode).toBe(400);
    expect((await post('{"type":"bundle","objects":[]}', 'analyst', 'application/json')).statusCode).toBe(415);
    expect((await get('/api/v1/intel/objects?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/intel/objects/not-an-id')).statusCode).toBe(400);
  });

  it('keeps seq unique and in commit order when imports race, and stores a version sent by both once', async () => {
    const shared = indicator({ name: 'raced' });
    const bundles = Array.from({ length: 4 }, (_, k) => [shared, ...Array.from({ length: 300 }, (_, i) => indicator({ name: `race ${k}.${i}` }))]);
    const answers = await Promise.all(bundles.map((b) => post(bundle(b))));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const sums = answers.map((r) => r.json() as { stored: number; duplicates: number });
    expect(sums.reduce((n, x) => n + x.stored, 0)).toBe(4 * 300 + 1);
    expect(sums.reduce((n, x) => n + x.duplicates, 0)).toBe(3);
    const rows = await node.ctx.store.db.selectFrom('intel_objects').select(['seq', 'date_added']).orderBy('seq').execute();
    const seqs = rows.map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    // date_added never goes back as seq grows: what TAXII's added_after search relies on.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.date_added >= rows[i - 1]!.date_added).toBe(true);
  });

  it('lets every role read and only writers import; strangers get 401', async () => {
    expect((await post(bundle([indicator()]), 'auditor')).statusCode).toBe(403);
    for (const role of ['admin', 'coordinator', 'officer', 'analyst'] as Role[]) expect((await post(bundle([indicator()]), role)).statusCode).toBe(200);
    for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) expect((await get('/api/v1/intel/objects', role)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/intel/objects' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { 'content-type': 'application/stix+json' }, payload: bundle([]) })).statusCode).toBe(401);
  });
});
