import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import * as linksMigration from '../../src/intel/migrations/20261202T160000-intel-links.js';
import { validateStixObject } from '../../src/intel/stix/index.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { bundle, indicator } from './_intel.js';

// The OASIS STIX 2.1 schemas (test/fixtures), loaded as stix-oasis-schemas.test.ts does: the bundle schema is the oracle.
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'oasis-stix2-json-schemas', 'schemas');
const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
formats.default(ajv);
ajv.addFormat('idn-hostname', /^(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.?$/u);
for (const dir of ['common', 'sdos', 'sros', 'observables']) {
  for (const file of readdirSync(join(ROOT, dir))) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8')) as object);
}
const validBundle = ajv.getSchema('http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/bundle.json')!;

const NOW = '2026-12-01T10:00:00.000Z';
const malware = (over: Record<string, unknown> = {}) => ({ type: 'malware', spec_version: '2.1', id: `malware--${randomUUID()}`, created: NOW, modified: NOW, name: 'export malware', is_family: false, ...over });
const relationship = (source: string, target: string, over: Record<string, unknown> = {}) => ({ type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: NOW, modified: NOW, relationship_type: 'indicates', source_ref: source, target_ref: target, ...over });
const sighting = (of: string, over: Record<string, unknown> = {}) => ({ type: 'sighting', spec_version: '2.1', id: `sighting--${randomUUID()}`, created: NOW, modified: NOW, sighting_of_ref: of, ...over });

type Obj = Record<string, unknown> & { id: string };

/** Export of the STIX store as a bundle, and an object's incoming links, under the release policy (both databases). */
describe.each(DIALECTS)('intel export and incoming links (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  const tag = `x${randomUUID().slice(0, 8)}`;
  const green = Array.from({ length: 3 }, (_, i) => indicator({ name: `${tag} green ${i}`, object_marking_refs: [tlp2MarkingId('green')] }));
  const red = indicator({ name: `${tag} red`, object_marking_refs: [tlp2MarkingId('red')] });
  const strict = indicator({ name: `${tag} strict`, object_marking_refs: [tlp2MarkingId('amber+strict')] });
  const target = malware({ name: `${tag} target` });
  const rels = [relationship(green[0]!.id, target.id, { description: `${tag} rel` }), relationship(red.id, target.id, { description: `${tag} red rel`, object_marking_refs: [tlp2MarkingId('red')] })];
  const outgoing = relationship(target.id, green[1]!.id, { relationship_type: 'uses', description: `${tag} out` });
  const seen = sighting(target.id, { description: `${tag} sighting` });

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) tokens[role] = (await buildUser(node.ctx, role)).token;
    const r = await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.coordinator}`, 'content-type': 'application/stix+json' }, payload: bundle([...green, red, strict, target, ...rels, outgoing, seen]) });
    expect(r.json()).toMatchObject({ stored: 10, refused: 0 });
    // A newer version of one green indicator: the export holds the newest, or both with versions=all.
    const newer = { ...green[2]!, modified: '2026-12-02T10:00:00.000Z', name: `${tag} green 2 renamed` };
    expect((await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/stix+json' }, payload: bundle([newer]) })).json()).toMatchObject({ stored: 1 });
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  /** The objects the filters chose, without the marking definitions added after them. */
  const chosen = (b: { objects: Obj[] }) => b.objects.filter((o) => o.type !== 'marking-definition');
  const get = (url: string, role: Role = 'analyst') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[role]}` } });
  const exported = async (query: string, role: Role = 'analyst') => {
    const r = await get(`/api/v1/intel/export?q=${tag}${query}`, role);
    expect(r.statusCode, r.body).toBe(200);
    return { r, b: JSON.parse(r.body) as { type: string; id: string; objects: Obj[] } };
  };

  it('answers a STIX 2.1 bundle as an attachment that the OASIS schemas accept', async () => {
    const { r, b } = await exported('', 'coordinator');
    expect(r.headers['content-type']).toBe('application/stix+json;version=2.1');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="accord-intel-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(b.type).toBe('bundle');
    expect(b.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    expect(validBundle(b), JSON.stringify(validBundle.errors)).toBe(true);
    expect(chosen(b).map((o) => o.id).sort()).toEqual([...green, red, strict, target, ...rels, outgoing, seen].map((o) => o.id).sort());
    // The TLP marking definitions its objects name close the bundle, as published (the OASIS schema above and this node's validator accept them).
    const defs = b.objects.filter((o) => o.type === 'marking-definition');
    expect(defs.map((o) => o.id).sort()).toEqual([tlp2MarkingId('green'), tlp2MarkingId('amber+strict'), tlp2MarkingId('red')].sort());
    expect(b.objects.slice(-defs.length)).toEqual(defs);
    for (const d of defs) expect(validateStixObject(d).ok, JSON.stringify(d)).toBe(true);
    expect(defs.find((d) => d.id === tlp2MarkingId('amber+strict'))).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER+STRICT',
      extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'amber+strict' } },
    });
    expect(r.headers['x-object-count']).toBe(String(b.objects.length - defs.length));
    // The newest version only, and each object as it was stored.
    expect(b.objects.find((o) => o.id === green[2]!.id)!.name).toBe(`${tag} green 2 renamed`);
    expect(b.objects.find((o) => o.id === target.id)).toEqual(target);
  });

  it('filters as the list does: type, TLP, words; versions=all adds every version', async () => {
    expect((await exported('&type=malware')).b.objects.map((o) => o.id)).toEqual([target.id]);
    expect(chosen((await exported('&tlp=green')).b).map((o) => o.id).sort()).toEqual(green.map((o) => o.id).sort());
    expect((await exported('&tlp=green')).b.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id)).toEqual([tlp2MarkingId('green')]);
    expect(chosen((await exported('%20strict')).b).map((o) => o.id)).toEqual([strict.id]);
    expect((await exported('&origin=received')).b.objects).toEqual([]);
    const all = (await exported('&tlp=green&versions=all')).b;
    expect(all.objects.filter((o) => o.id === green[2]!.id).map((o) => o.name).sort()).toEqual([`${tag} green 2`, `${tag} green 2 renamed`]);
    expect(validBundle(all)).toBe(true);
  });

  it('exports TLP:RED to its named recipients (intel:red) and never to an analyst; AMBER+STRICT stays within the organisation, so every user gets it', async () => {
    const forRed = (await exported('', 'admin')).b.objects.map((o) => o.id);
    expect(forRed).toContain(red.id);
    expect(forRed).toContain(rels[1]!.id);
    for (const role of ['analyst', 'officer', 'auditor'] as Role[]) {
      const { r, b } = await exported('', role);
      expect(b.objects.map((o) => o.id)).not.toContain(red.id);
      expect(b.objects.map((o) => o.id)).not.toContain(rels[1]!.id);
      expect(r.body).not.toContain(red.id);
      expect(r.body).not.toContain(tlp2MarkingId('red'));
      expect(b.objects.map((o) => o.id)).toContain(strict.id);
    }
    expect((await exported('&tlp=red', 'analyst')).b.objects).toEqual([]);
  });

  it('streams page by page: more objects than a page, none repeated or missed', async () => {
    const many = Array.from({ length: 1201 }, (_, i) => indicator({ name: `${tag}many ${i}` }));
    expect((await app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/stix+json' }, payload: bundle(many) })).json()).toMatchObject({ stored: 1201 });
    const r = await get(`/api/v1/intel/export?q=${tag}many`);
    const b = JSON.parse(r.body) as { objects: Obj[] };
    expect(r.headers['x-object-count']).toBe('1201');
    expect(new Set(b.objects.map((o) => o.id)).size).toBe(1201);
    expect(b.objects.map((o) => o.id).sort()).toEqual(many.map((o) => o.id).sort());
  });

  it('is audited with its count and filters', async () => {
    await exported('&type=malware', 'officer');
    const entries = await node.ctx.store.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'intel.export').orderBy('seq', 'desc').limit(1).execute();
    expect(entries).toHaveLength(1);
    const details = JSON.parse(entries[0]!.details as unknown as string) as { count: number; filters: Record<string, string> };
    // The words searched for are kept as a digest: they may be a RED object's own words.
    expect(details).toEqual({ count: 1, filters: { q_sha256: createHash('sha256').update(tag).digest('hex'), type: 'malware' } });
  });

  it('refuses bad filters with 400 and anonymous readers with 401', async () => {
    for (const q of ['tlp=purple', 'type=Not%20a%20type', 'versions=some', 'origin=elsewhere', 'limit=5', `q=${'x'.repeat(201)}`]) {
      const r = await get(`/api/v1/intel/export?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/intel/export' })).statusCode).toBe(401);
  });

  it("lists an object's incoming relationships and sightings, under the policy", async () => {
    const ids = async (role: Role) => {
      const r = await get(`/api/v1/intel/objects/${target.id}/incoming`, role);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { incoming: { id: string }[] }).incoming.map((o) => o.id).sort();
    };
    // Not the outgoing relationship (source_ref), nor anything merely mentioning the id.
    expect(await ids('admin')).toEqual([...rels, seen].map((o) => o.id).sort());
    expect(await ids('analyst')).toEqual([rels[0]!, seen].map((o) => o.id).sort());
    // The incoming links of an object the reader may not see answer as of one not held.
    expect((await get(`/api/v1/intel/objects/${red.id}/incoming`, 'analyst')).statusCode).toBe(404);
    expect((await get(`/api/v1/intel/objects/malware--${randomUUID()}/incoming`)).statusCode).toBe(404);
    expect((await get('/api/v1/intel/objects/not-an-id/incoming')).statusCode).toBe(400);
  });

  it('finds incoming links through the index, however many other relationships mention the object; the answer stops at 200', async () => {
    const hub = malware({ name: `${tag} hub` });
    const into = Array.from({ length: 3 }, () => relationship(green[0]!.id, hub.id));
    // Stored after them (so first in a newest-first scan): 250 relationships from the hub that quote its id.
    const outOf = Array.from({ length: 250 }, (_, i) => relationship(hub.id, green[1]!.id, { relationship_type: 'uses', description: `out ${i} of ${hub.id}` }));
    const post = (objects: unknown[]) => app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.analyst}`, 'content-type': 'application/stix+json' }, payload: bundle(objects) });
    expect((await post([hub, ...into])).json()).toMatchObject({ stored: 4 });
    expect((await post(outOf)).json()).toMatchObject({ stored: 250 });
    const incoming = async () => (await get(`/api/v1/intel/objects/${hub.id}/incoming`)).json() as { incoming: { id: string }[]; truncated: boolean };
    const first = await incoming();
    expect([first.incoming.map((o) => o.id).sort(), first.truncated]).toEqual([into.map((o) => o.id).sort(), false]);
    const more = Array.from({ length: 200 }, () => relationship(green[2]!.id, hub.id));
    expect((await post(more)).json()).toMatchObject({ stored: 200 });
    const capped = await incoming();
    expect([capped.incoming.length, capped.truncated]).toEqual([200, true]);
    // Newest first: the 200 stored last.
    expect(capped.incoming.map((o) => o.id).sort()).toEqual(more.map((o) => o.id).sort());
  });

  it('the migration that made the index fills it from the relationships and sightings already held', async () => {
    const db = node.ctx.store.db as unknown as Kysely<unknown>;
    const before = (await get(`/api/v1/intel/objects/${target.id}/incoming`, 'admin')).json().incoming.map((o: { id: string }) => o.id).sort();
    expect(before).toHaveLength(3);
    await db.schema.dropTable('intel_received_objects').execute();
    await db.schema.dropTable('intel_links').execute();
    await linksMigration.up(db);
    expect((await get(`/api/v1/intel/objects/${target.id}/incoming`, 'admin')).json().incoming.map((o: { id: string }) => o.id).sort()).toEqual(before);
    expect((await get(`/api/v1/intel/objects/${red.id}/incoming`, 'admin')).json().incoming).toEqual([]);
  });
});
