import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { PREPARED_MATCH_ENTRIES } from '../../src/intel/taxii/taxii.query.js';
import { ALL_COLLECTION_ID, LOCAL_COLLECTION_ID, TAXII_MEDIA_TYPE } from '../../src/intel/taxii/taxii.routes.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { bundle, indicator } from './_intel.js';

const OBJECTS = `/taxii2/api/collections/${ALL_COLLECTION_ID}/objects/`;

/** The TAXII 2.1 read side over real HTTP semantics (inject): paging, filters, headers, errors, the release policy. */
describe.each(DIALECTS)('TAXII 2.1 server (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ['admin', 'analyst', 'auditor'] as Role[]) tokens[role] = (await buildUser(node.ctx, role)).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  const importBundle = async (objects: unknown[]) => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/stix+json' }, payload: bundle(objects) });
    expect(r.json()).toMatchObject({ refused: 0 });
  };
  const get = (url: string, role: Role = 'analyst', headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}`, accept: TAXII_MEDIA_TYPE, ...headers } });

  it('discovers the API root and the collection', async () => {
    const d = await app.inject({ method: 'GET', url: '/taxii2/', headers: { accept: TAXII_MEDIA_TYPE } });
    expect(d.statusCode).toBe(200);
    expect(d.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    expect(d.json()).toMatchObject({ default: '/taxii2/api/', api_roots: ['/taxii2/api/'] });
    expect((await get('/taxii2/api/')).json().versions).toEqual([TAXII_MEDIA_TYPE]);
    const c = (await get('/taxii2/api/collections/')).json().collections;
    expect(c).toEqual([expect.objectContaining({ id: ALL_COLLECTION_ID, can_read: true, can_write: false }), expect.objectContaining({ id: LOCAL_COLLECTION_ID, can_read: true, can_write: true })]);
    expect((await get(`/taxii2/api/collections/${ALL_COLLECTION_ID}/`)).json().id).toBe(ALL_COLLECTION_ID);
  });

  it('pages without missing or repeating an object, though all share one date_added and more arrive between pages', async () => {
    const first = Array.from({ length: 250 }, (_, i) => indicator({ name: `taxii page ${i}` }));
    await importBundle(first);
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    let added: unknown[] = [];
    do {
      const r = await get(`${OBJECTS}?match[type]=indicator&limit=40${next ? `&next=${next}` : ''}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
      const env = r.json();
      expect(r.headers['x-taxii-date-added-first']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      seen.push(...env.objects.map((o: { id: string }) => o.id));
      next = env.next;
      expect(env.more).toBe(Boolean(next));
      if (++pages === 2) {
        added = Array.from({ length: 30 }, (_, i) => indicator({ name: `taxii late ${i}` }));
        await importBundle(added);
      }
    } while (next);
    const expected = [...first, ...added].map((o) => (o as { id: string }).id);
    expect(new Set(seen).size).toBe(seen.length);
    // In the order they were added, within each page (the database joins a page's texts) and across pages.
    expect(seen).toEqual(expected);
  });

  it('filters by added_after, id, version and spec_version, and gives the manifest and versions', async () => {
    const o = indicator({ name: 'two versions' });
    await importBundle([o]);
    const later = { ...o, modified: '2026-12-05T00:00:00.000Z', name: 'two versions, second' };
    await importBundle([later]);
    const byId = (await get(`${OBJECTS}?match[id]=${o.id}`)).json();
    expect(byId.objects.map((x: { name: string }) => x.name)).toEqual(['two versions, second']);
    const all = (await get(`${OBJECTS}?match[id]=${o.id}&match[version]=all`)).json();
    expect(all.objects).toHaveLength(2);
    const firstV = (await get(`${OBJECTS}?match[id]=${o.id}&match[version]=first`)).json();
    expect(firstV.objects.map((x: { name: string }) => x.name)).toEqual(['two versions']);
    const exact = (await get(`${OBJECTS}?match[id]=${o.id}&match[version]=${o.modified}`)).json();
    expect(exact.objects).toHaveLength(1);
    expect((await get(`${OBJECTS}?match[id]=${o.id}&match[spec_version]=2.0`)).json()).toEqual({ more: false });
    const versions = (await get(`${OBJECTS}${o.id}/versions/`)).json();
    expect(versions.versions).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-05T00:00:00.000Z']);
    expect((await get(`${OBJECTS}${o.id}/`)).json().objects[0].name).toBe('two versions, second');
    const manifest = (await get(`/taxii2/api/collections/${ALL_COLLECTION_ID}/manifest/?match[id]=${o.id}`)).json();
    expect(manifest.objects).toEqual([expect.objectContaining({ id: o.id, version: '2026-12-05T00:00:00.000Z', media_type: 'application/stix+json;version=2.1' })]);
    // added_after the second import's time: only what came with or after it.
    const lastAdded = (await get(`${OBJECTS}?match[id]=${o.id}`)).headers['x-taxii-date-added-last'] as string;
    const before = new Date(Date.parse(lastAdded) - 1).toISOString();
    const after = (await get(`${OBJECTS}?added_after=${before}&limit=1000`)).json();
    expect(after.objects.map((x: { id: string }) => x.id)).toContain(o.id);
    expect((await get(`${OBJECTS}?added_after=${lastAdded.replace(/\d{3}Z$/, '999Z')}`)).json()).toEqual({ more: false });
  });

  it('never lets TLP:RED or AMBER+STRICT leave over TAXII, even to a holder of intel:red, as if they did not exist', async () => {
    const red = indicator({ name: 'red taxii', object_marking_refs: [tlp2MarkingId('red')] });
    const strict = indicator({ name: 'strict taxii', object_marking_refs: [tlp2MarkingId('amber+strict')] });
    const amber = indicator({ name: 'amber taxii', object_marking_refs: [tlp2MarkingId('amber')] });
    await importBundle([red, strict, amber]);
    for (const role of ['analyst', 'admin'] as Role[]) {
      for (const o of [red, strict]) {
        expect((await get(`${OBJECTS}?match[id]=${o.id}`, role)).json()).toEqual({ more: false });
        expect((await get(`${OBJECTS}${o.id}/`, role)).statusCode).toBe(404);
      }
      expect((await get(`${OBJECTS}?match[id]=${amber.id}`, role)).json().objects).toHaveLength(1);
    }
    // The web app's API (a user of this node, not a TAXII client) still shows them to intel:red.
    const web = await app.inject({ method: 'GET', url: `/api/v1/intel/objects/${red.id}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(web.statusCode).toBe(200);
  });

  it('answers errors as TAXII error messages: 401, 406, 404, 400; takes an API token as the Basic password', async () => {
    const anon = await app.inject({ method: 'GET', url: OBJECTS, headers: { accept: TAXII_MEDIA_TYPE } });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    expect(anon.json()).toMatchObject({ title: expect.any(String), http_status: '401' });
    expect((await get(OBJECTS, 'analyst', { accept: 'application/xml' })).statusCode).toBe(406);
    expect((await get(OBJECTS, 'analyst', { accept: 'application/taxii+json;version=2.0' })).statusCode).toBe(406);
    expect((await get('/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/')).statusCode).toBe(404);
    for (const q of ['limit=0', 'next=xyz', 'added_after=yesterday', 'match[version]=newest']) {
      const r = await get(`${OBJECTS}?${q}`);
      expect([q, r.statusCode, r.json().http_status]).toEqual([q, 400, '400']);
    }
    const basic = Buffer.from(`anyone:${tokens.auditor}`).toString('base64');
    expect((await app.inject({ method: 'GET', url: OBJECTS, headers: { authorization: `Basic ${basic}`, accept: TAXII_MEDIA_TYPE } })).statusCode).toBe(200);
    const wrong = Buffer.from('anyone:not-a-token').toString('base64');
    expect((await app.inject({ method: 'GET', url: OBJECTS, headers: { authorization: `Basic ${wrong}`, accept: TAXII_MEDIA_TYPE } })).statusCode).toBe(401);
  });
  it("prepares pages with short match lists only: a reader's long lists never leave named statements behind", async () => {
    const store = node.ctx.store;
    const prepared = store.preparedRead;
    let calls = 0;
    store.preparedRead = (q) => (calls++, prepared(q));
    try {
      const o = indicator({ name: 'prepared or not' });
      await importBundle([o]);
      const others = (n: number) => Array.from({ length: n }, (_, i) => `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      // Each length of a match list is another query text: a reader could make thousands.
      for (let n = PREPARED_MATCH_ENTRIES; n <= PREPARED_MATCH_ENTRIES + 4; n++) {
        const r = await get(`${OBJECTS}?match[id]=${[o.id, ...others(n)].join(',')}`);
        expect(r.statusCode).toBe(200);
        expect(r.json().objects.map((x: { id: string }) => x.id)).toEqual([o.id]);
        expect((await get(`${OBJECTS}?match[type]=${['indicator', ...Array.from({ length: n }, (_, i) => `x-type-${i}`)].join(',')}&limit=1`)).statusCode).toBe(200);
        expect((await get(`${OBJECTS}?match[type]=indicator&match[id]=${[o.id, ...others(n - 1)].join(',')}&limit=1`)).statusCode).toBe(200);
      }
      expect(calls).toBe(0);
      // A type or two, an id: what TAXII clients ask page after page, planned once.
      expect((await get(`${OBJECTS}?limit=1`)).statusCode).toBe(200);
      const byType = await get(`${OBJECTS}?match[type]=indicator,malware&limit=1`);
      expect(byType.json().objects).toHaveLength(1);
      const byId = await get(`${OBJECTS}?match[type]=indicator&match[id]=${o.id}`);
      expect(byId.json().objects.map((x: { id: string }) => x.id)).toEqual([o.id]);
      expect(calls).toBe(3);
    } finally {
      store.preparedRead = prepared;
    }
  });
});
