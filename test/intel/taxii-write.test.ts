import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNode } from '../../src/app/init-node.js';
import { openNode } from '../../src/app/open-node.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { NodeContext } from '../../src/context.js';
import { ALL_COLLECTION_ID, LOCAL_COLLECTION_ID, MAX_CONTENT_LENGTH, TAXII_MEDIA_TYPE } from '../../src/intel/taxii/taxii.routes.js';
import { MAX_STATUS_DETAILS } from '../../src/intel/taxii/taxii.status.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { buildTestApp, buildUser } from '../_util/node.js';
import { indicator } from './_intel.js';

const ROOT = '/taxii2/api';
const LOCAL = `${ROOT}/collections/${LOCAL_COLLECTION_ID}/objects/`;
const ALL = `${ROOT}/collections/${ALL_COLLECTION_ID}/objects/`;
const envelope = (objects: unknown[]) => JSON.stringify({ objects });

/** The TAXII 2.1 write side: adds to the local collection with status resources (kept across a restart), rights, limits, deletes. */
describe.each(DIALECTS)('TAXII 2.1 adds, status and deletes (%s)', (dialect) => {
  let target: TestDbTarget;
  let ctx: NodeContext;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    target = newTestDbTarget(dialect);
    const r = await initNode({ dataDir: target.dataDir, nodeId: 'test-node', country: 'UZ', names: { en: 'Test CERT' }, authorityKinds: ['cert'], db: target.db, dbSchema: target.dbSchema, settings: { logLevel: 'silent', requireAdminTotp: false } });
    ctx = r.ctx;
    app = await buildTestApp(ctx);
    for (const role of ROLES) tokens[role] = (await buildUser(ctx, role)).token;
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.store.close();
    await target?.cleanup();
  });

  const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const add = (objects: unknown[], role: Role = 'analyst', url = LOCAL, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...auth(role), accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE, ...headers }, payload: envelope(objects) });
  const get = (url: string, role: Role = 'analyst') => app.inject({ method: 'GET', url, headers: { ...auth(role), accept: TAXII_MEDIA_TYPE } });
  const statusRows = async () => Number((await ctx.store.db.selectFrom('intel_taxii_status').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('advertises the local collection as writable to those who may add, and the others as read-only', async () => {
    const forAnalyst = (await get(`${ROOT}/collections/`)).json().collections;
    expect(forAnalyst).toEqual([expect.objectContaining({ id: ALL_COLLECTION_ID, can_write: false }), expect.objectContaining({ id: LOCAL_COLLECTION_ID, can_read: true, can_write: true })]);
    expect((await get(`${ROOT}/collections/${LOCAL_COLLECTION_ID}/`, 'auditor')).json()).toMatchObject({ id: LOCAL_COLLECTION_ID, can_write: false });
    expect((await get(`${ROOT}/`)).json().max_content_length).toBe(MAX_CONTENT_LENGTH);
  });

  let statusId = '';
  const good = [indicator({ name: 'taxii add 1' }), indicator({ name: 'taxii add 2' })];
  const bad = { ...indicator({ name: 'modified before created' }), modified: '2000-01-01T00:00:00.000Z' };
  const badPattern = indicator({ name: 'bad pattern', pattern: "[domain-name:value = 'x'" });

  it('adds an envelope mixing good and bad objects: 202, a status naming each success and each failure, the good ones stored', async () => {
    const r = await add([good[0], bad, good[1], badPattern, 'not an object']);
    expect(r.statusCode, r.body).toBe(202);
    expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    const st = r.json();
    statusId = st.id;
    expect(st).toMatchObject({ status: 'complete', total_count: 5, success_count: 2, failure_count: 3, pending_count: 0 });
    expect(st.request_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(st.successes).toEqual(good.map((o) => ({ id: o.id, version: '2026-12-01T10:00:00.000000Z' })));
    expect(st.failures.map((f: { id: string }) => f.id)).toEqual([bad.id, badPattern.id, '(object 4 of the envelope)']);
    expect(st.failures[0]).toMatchObject({ version: '2000-01-01T00:00:00.000000Z', message: expect.stringMatching(/modified/) });
    for (const f of st.failures) expect(f.message.length).toBeGreaterThan(0);
    // The same resource at its address; the good objects in the local collection and in everything.
    const again = await get(`${ROOT}/status/${statusId}/`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(st);
    const local = (await get(`${LOCAL}?match[id]=${good.map((o) => o.id).join(',')}`)).json();
    expect(local.objects.map((o: { name: string }) => o.name).sort()).toEqual(['taxii add 1', 'taxii add 2']);
    expect((await get(`${ALL}?match[id]=${bad.id}`)).json()).toEqual({ more: false });
    // Adding the same objects again: successes (already held), nothing stored twice.
    const dup = (await add(good)).json();
    expect(dup).toMatchObject({ success_count: 2, failure_count: 0 });
    expect(await ctx.store.db.selectFrom('intel_objects').select('seq').where('id', 'in', good.map((o) => o.id)).execute()).toHaveLength(2);
  });

  it('refuses other media types (406 for Accept, 415 for Content-Type) and an envelope over max_content_length (413), writing nothing', async () => {
    const before = await statusRows();
    const accept = await add([indicator()], 'analyst', LOCAL, { accept: 'application/json' });
    expect([accept.statusCode, accept.headers['content-type'], accept.json().http_status]).toEqual([406, TAXII_MEDIA_TYPE, '406']);
    for (const type of ['application/json', 'application/taxii+json;version=2.0', 'application/stix+json;version=2.1', 'text/plain']) {
      const r = await add([indicator()], 'analyst', LOCAL, { 'content-type': type });
      expect([type, r.statusCode, r.headers['content-type'], r.json().http_status]).toEqual([type, 415, TAXII_MEDIA_TYPE, '415']);
    }
    // Declared too large: refused before a byte is read.
    const declared = await app.inject({ method: 'POST', url: LOCAL, headers: { ...auth('analyst'), accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE, 'content-length': String(MAX_CONTENT_LENGTH + 1) }, payload: envelope([]) });
    expect([declared.statusCode, declared.json().http_status, declared.json().error_code]).toEqual([413, '413', 'urn:accord:problem:content-too-large']);
    expect(await statusRows()).toBe(before);
  });

  it('answers an envelope that cannot be read with a TAXII 400 naming the status, which keeps what came before', async () => {
    const o = indicator({ name: 'before the break' });
    const r = await app.inject({ method: 'POST', url: LOCAL, headers: { ...auth('analyst'), accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE }, payload: `{"objects":[${JSON.stringify(o)}, {"type":` });
    expect([r.statusCode, r.headers['content-type'], r.json().http_status]).toEqual([400, TAXII_MEDIA_TYPE, '400']);
    const id = /status ([0-9a-f-]{36})/.exec(r.json().description)?.[1];
    const st = (await get(`${ROOT}/status/${id}/`)).json();
    expect(st).toMatchObject({ status: 'complete', success_count: 1, successes: [{ id: o.id }], failure_count: 1, failures: [{ id: '(envelope)' }] });
  });

  it('refuses a streamed envelope without a length once it passes max_content_length (413)', async () => {
    const o = indicator({ name: 'before the limit' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const body = Readable.from((function* () {
      yield Buffer.from(`{"objects":[${JSON.stringify(o)},`);
      for (let sent = 0; sent <= MAX_CONTENT_LENGTH; sent += chunk.length) yield chunk;
      yield Buffer.from(']}');
    })());
    const r = await app.inject({ method: 'POST', url: LOCAL, headers: { ...auth('analyst'), accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE }, payload: body });
    expect([r.statusCode, r.json().http_status]).toEqual([413, '413']);
  }, 60_000);

  it('lets admins, coordinators, officers and analysts add; refuses auditors (403) and anyone not signed in (401)', async () => {
    const outcome: Record<string, number> = {};
    for (const role of ROLES) outcome[role] = (await add([indicator({ name: `by ${role}` })], role)).statusCode;
    outcome.anonymous = (await app.inject({ method: 'POST', url: LOCAL, headers: { accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE }, payload: envelope([indicator()]) })).statusCode;
    expect(outcome).toEqual({ admin: 202, coordinator: 202, officer: 202, analyst: 202, auditor: 403, anonymous: 401 });
  });

  it('refuses adds to a read-only collection (403) and to one that does not exist (404)', async () => {
    const before = await statusRows();
    const r = await add([indicator()], 'admin', ALL);
    expect([r.statusCode, r.json().error_code]).toEqual([403, 'urn:accord:problem:collection-read-only']);
    expect((await add([indicator()], 'admin', `${ROOT}/collections/00000000-0000-4000-8000-000000000000/objects/`)).statusCode).toBe(404);
    expect(await statusRows()).toBe(before);
  });

  it('counts every object of a large add but names at most the first 1,000 successes and 1,000 failures, and none beyond a TAXII client', async () => {
    const many = Array.from({ length: 1003 }, (_, i) => indicator({ name: `capped ${i}` }));
    const wrong = Array.from({ length: 1002 }, () => ({ ...indicator({ name: 'capped wrong' }), modified: '2000-01-01T00:00:00.000Z' }));
    const red = indicator({ name: 'capped red', object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'] });
    const r = await add([red, ...many, ...wrong]);
    expect(r.statusCode).toBe(202);
    const st = r.json();
    expect(st).toMatchObject({ total_count: 2006, success_count: 1004, failure_count: 1002 });
    expect(st.successes).toHaveLength(MAX_STATUS_DETAILS);
    expect(st.failures).toHaveLength(MAX_STATUS_DETAILS);
    // The RED object is counted, never named: a status is read over TAXII, where RED does not go.
    expect(r.body).not.toContain(red.id);
    expect(st.successes[0].id).toBe(many[0]!.id);
    const stored = (await get(`${ROOT}/status/${st.id}/`)).json();
    expect([stored.success_count, stored.successes.length, stored.failures.length]).toEqual([1004, MAX_STATUS_DETAILS, MAX_STATUS_DETAILS]);
  });

  it('answers 404 for an unknown status and for another user\'s status; a holder of intel:red sees every one', async () => {
    expect((await get(`${ROOT}/status/00000000-0000-4000-8000-000000000000/`)).statusCode).toBe(404);
    expect((await get(`${ROOT}/status/not-a-uuid/`)).json().http_status).toBe('404');
    expect((await get(`${ROOT}/status/${statusId}/`, 'officer')).statusCode).toBe(404);
    expect((await get(`${ROOT}/status/${statusId}/`, 'admin')).statusCode).toBe(200);
  });

  it('deletes an object or one version from the local collection, for admins only', async () => {
    const o = indicator({ name: 'to delete, v1' });
    const v2 = { ...o, name: 'to delete, v2', modified: '2026-12-06T00:00:00.000Z' };
    expect((await add([o, v2])).json().success_count).toBe(2);
    const del = (role: Role, url: string) => app.inject({ method: 'DELETE', url, headers: { ...auth(role), accept: TAXII_MEDIA_TYPE } });
    expect((await del('analyst', `${LOCAL}${o.id}/`)).statusCode).toBe(403);
    expect((await del('admin', `${ALL}${o.id}/`)).json().error_code).toBe('urn:accord:problem:collection-read-only');
    // The newest version deleted: the first is the newest again.
    expect((await del('admin', `${LOCAL}${o.id}/?match[version]=2026-12-06T00:00:00.000Z`)).statusCode).toBe(200);
    expect((await get(`${LOCAL}${o.id}/`)).json().objects.map((x: { name: string }) => x.name)).toEqual(['to delete, v1']);
    expect((await del('admin', `${LOCAL}${o.id}/`)).statusCode).toBe(200);
    expect((await get(`${LOCAL}${o.id}/`)).statusCode).toBe(404);
    expect((await del('admin', `${LOCAL}${o.id}/`)).statusCode).toBe(404);
    const audit = await ctx.store.db.selectFrom('audit_log').select('details').where('action', '=', 'intel.delete').where('target', '=', `intel_object:${o.id}`).execute();
    expect(audit).toHaveLength(2);
  });

  it('keeps status resources across a restart of the node', async () => {
    const before = (await get(`${ROOT}/status/${statusId}/`)).json();
    await app.close();
    await ctx.store.close();
    ctx = await openNode(resolveSettings({ dataDir: target.dataDir }, {}));
    app = await buildTestApp(ctx);
    const after = await get(`${ROOT}/status/${statusId}/`);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual(before);
    expect(after.json().failure_count).toBe(3);
  });
});
