import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { followFeeds } from '../../src/intel/feeds/feeds.jobs.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { mayReach } from '../../src/intel/policy/release.policy.js';
import { ALL_COLLECTION_ID } from '../../src/intel/taxii/taxii.routes.js';
import { DIALECTS } from '../_util/db.js';
import type { TestNode } from '../_util/node.js';
import { followingNode, taxiiRemote, type FollowingNode, type Method, type TaxiiRemote } from './_feeds.js';
import { indicator } from './_intel.js';

const GREEN = tlp2MarkingId('green');
const CLEAR = tlp2MarkingId('clear');

/**
 * A remote TAXII 2.1 server in front of which requests may be made to fail: a real HTTP proxy on
 * 127.0.0.1 that answers 500 to the request numbered `failAt` (1, 2, …) and forwards the rest.
 */
function faultyProxy(target: number) {
  const state = { count: 0, failAt: 0, urls: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.count++;
    state.urls.push(req.url ?? '');
    if (state.count === state.failAt) {
      res.writeHead(500, { 'content-type': 'application/taxii+json;version=2.1' });
      res.end(JSON.stringify({ title: 'Remote failure' }));
      return;
    }
    const up = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return { server, state };
}

/** The TAXII client: a second node serves a collection over real HTTP on 127.0.0.1; this node follows it. */
describe.each(DIALECTS)('TAXII feeds (%s)', (dialect) => {
  let taxii: TaxiiRemote;
  let remote: TestNode;
  let remoteToken = '';
  let proxy: ReturnType<typeof faultyProxy>;
  let local: FollowingNode;
  let node: TestNode;
  let apiRoot = '';

  beforeAll(async () => {
    taxii = await taxiiRemote(dialect);
    remote = taxii.node;
    remoteToken = taxii.token;
    proxy = faultyProxy(taxii.port);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    apiRoot = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}/taxii2/api/`;
    local = await followingNode(dialect);
    node = local.node;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    await taxii?.close();
    await local?.close();
  });

  const remoteImport = (objects: unknown[]) => taxii.importObjects(objects);
  const api = (method: Method, url: string, body?: unknown, role: Role = 'admin') => local.api(method, url, body, role);
  const fromFeed = async (feedId: string) =>
    node.ctx.store.db.selectFrom('intel_objects').select(['id', 'version', 'tlp', 'origin', 'source', 'object']).where('source', '=', `feed:${feedId}`).execute();

  it('refuses bad feed settings with a problem naming the field', async () => {
    const base = { title: 'Bad', api_root: apiRoot, collection_id: ALL_COLLECTION_ID, default_marking: GREEN };
    for (const [patch, pointer, code] of [
      [{ api_root: 'ftp://example.org/taxii/' }, '/api_root', 'invalid_url'],
      [{ api_root: 'no url' }, '/api_root', 'invalid_url'],
      [{ api_root: 'https://user:pw@example.org/api/' }, '/api_root', 'invalid_url'],
      [{ default_marking: 'marking-definition--00000000-0000-4000-8000-000000000000' }, '/default_marking', 'unknown_marking'],
      [{ default_marking: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da' }, '/default_marking', 'unknown_marking'],
    ] as const) {
      const r = await api('POST', '/api/v1/intel/feeds', { ...base, ...patch });
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors).toEqual([expect.objectContaining({ pointer, code })]);
    }
    for (const body of [{ ...base, title: '' }, { ...base, page_size: 5000 }, { ...base, interval_minutes: 1 }, { ...base, collection_id: 'a/b' }, { ...base, auth: { kind: 'token' } }, { ...base, extra: 1 }]) {
      expect((await api('POST', '/api/v1/intel/feeds', body)).statusCode).toBe(400);
    }
    expect((await api('POST', '/api/v1/intel/feeds/no-such-feed/run')).statusCode).toBe(404);
    expect((await api('PATCH', '/api/v1/intel/feeds/no-such-feed', { title: 'x' })).statusCode).toBe(404);
    expect((await api('DELETE', '/api/v1/intel/feeds/no-such-feed')).statusCode).toBe(404);
  });

  it('lets every user read feeds and only administrators and coordinators manage them', async () => {
    const body = { title: 'Roles', api_root: 'https://taxii.example.org/api/', collection_id: 'c1', default_marking: GREEN, enabled: false };
    for (const role of ['analyst', 'auditor'] as Role[]) expect((await api('POST', '/api/v1/intel/feeds', body, role)).statusCode).toBe(403);
    const made = await api('POST', '/api/v1/intel/feeds', body, 'coordinator');
    expect(made.statusCode).toBe(201);
    for (const role of ['analyst', 'auditor'] as Role[]) {
      expect((await api('GET', `/api/v1/intel/feeds/${made.json().id}`, undefined, role)).statusCode).toBe(200);
      expect((await api('POST', `/api/v1/intel/feeds/${made.json().id}/run`, undefined, role)).statusCode).toBe(403);
      expect((await api('DELETE', `/api/v1/intel/feeds/${made.json().id}`, undefined, role)).statusCode).toBe(403);
    }
    expect((await api('DELETE', `/api/v1/intel/feeds/${made.json().id}`, undefined, 'coordinator')).statusCode).toBe(204);
  });

  it('refuses to call an internal address the allow-list does not name, and says so on the feed', async () => {
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Internal', api_root: 'http://10.20.30.40/taxii2/api/', collection_id: 'c1', default_marking: GREEN, enabled: false })).json();
    const after = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(after.state.last_error).toMatch(/not allowed/);
    expect(after.state.running).toBe(false);
    expect(after.counts.pages).toBe(0);
    await api('DELETE', `/api/v1/intel/feeds/${made.id}`);
  });

  it('follows a remote collection page by page, resumes after a failed page without a gap or a repeat, and marks what came unmarked', async () => {
    // 250 objects in one import share one date_added on the remote; some carry their own TLP.
    const objects = Array.from({ length: 250 }, (_, i) => indicator({ name: `feed object ${i}`, ...(i % 50 === 0 ? { object_marking_refs: [CLEAR] } : {}) }));
    await remoteImport(objects);
    const secret = remoteToken;
    const made = await api('POST', '/api/v1/intel/feeds', { title: 'Remote CERT', api_root: apiRoot, collection_id: ALL_COLLECTION_ID, auth: { kind: 'token', token: secret }, default_marking: GREEN, page_size: 40 }, 'coordinator');
    expect(made.statusCode).toBe(201);
    const feed = made.json();
    expect(feed).toMatchObject({ auth: { kind: 'token', username: null, has_secret: true }, default_tlp: 'green', page_size: 40, enabled: true });
    expect(made.body).not.toContain(secret);
    // The stored secret is sealed, not the token itself.
    const stored = await node.ctx.store.db.selectFrom('intel_feeds').select('secret').where('id', '=', feed.id).executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1:/);
    expect(stored.secret).not.toContain(secret);

    // The third page answers 500: two pages are kept, and the feed says what went wrong.
    proxy.state.count = 0;
    proxy.state.failAt = 3;
    const failed = (await api('POST', `/api/v1/intel/feeds/${feed.id}/run`)).json();
    expect(failed.state).toMatchObject({ last_error: 'HTTP 500: Remote failure', resuming: true, running: false });
    expect(failed.counts).toMatchObject({ pages: 2, stored: 80, objects: 80 });
    expect((await fromFeed(feed.id)).length).toBe(80);
    expect(proxy.state.urls[0]).toContain('limit=40');
    expect(proxy.state.urls[1]).toContain('next=');

    // The next run asks the failed page again and goes on to the end.
    proxy.state.failAt = 0;
    const done = (await api('POST', `/api/v1/intel/feeds/${feed.id}/run`)).json();
    expect(done.state).toMatchObject({ last_error: null, resuming: false });
    expect(done.counts).toMatchObject({ stored: 250, duplicates: 0, refused: 0, marked: 245 });
    expect(proxy.state.urls[3]).toBe(proxy.state.urls[2]);
    const rows = await fromFeed(feed.id);
    expect(rows.map((r) => r.id).sort()).toEqual(objects.map((o) => o.id).sort());
    // Received from the feed: the default marking on what came unmarked, its own TLP kept otherwise.
    for (const r of rows) {
      expect(r.origin).toBe('received');
      const o = JSON.parse(r.object) as { name: string; object_marking_refs: string[] };
      const own = Number(o.name.replace('feed object ', '')) % 50 === 0;
      expect(o.object_marking_refs).toEqual([own ? CLEAR : GREEN]);
      expect(r.tlp).toBe(own ? 'clear' : 'green');
    }
    // What a feed brings is received: unmarked-as-AMBER from a feed never goes on to a peer.
    expect(mayReach({ tlp: 'amber', origin: 'received' }, { kind: 'peer', named: true }).allowed).toBe(false);
    const listed = (await api('GET', '/api/v1/intel/objects?origin=received&limit=5', undefined, 'analyst')).json();
    expect(listed.objects[0]).toMatchObject({ origin: 'received', source: `feed:${feed.id}` });

    // Later objects: the next walk starts after the last one's date_added and brings only them.
    const later = Array.from({ length: 30 }, (_, i) => indicator({ name: `later ${i}` }));
    await remoteImport(later);
    proxy.state.count = 0;
    proxy.state.urls = [];
    const again = (await api('POST', `/api/v1/intel/feeds/${feed.id}/run`)).json();
    // The walk asks again from the instant the last one ended at: the 250 of that instant come again, as duplicates.
    // What is read again is not marked again: only the 30 new ones count.
    expect(again.counts).toMatchObject({ stored: 280, duplicates: 250, marked: 275 });
    expect(proxy.state.urls[0]).toContain('added_after=');
    expect((await fromFeed(feed.id)).length).toBe(280);

    // Running again brings nothing new: one page, the 30 of the last instant read again and stored once.
    proxy.state.urls = [];
    const idle = (await api('POST', `/api/v1/intel/feeds/${feed.id}/run`)).json();
    expect(idle.counts).toMatchObject({ stored: 280, duplicates: 280, marked: 275 });
    expect(idle.state).toMatchObject({ last_error: null, resuming: false });
    expect(proxy.state.urls).toHaveLength(1);
    expect((await fromFeed(feed.id)).length).toBe(280);

    // The list shows the state; the secret never appears in an answer.
    const list = await api('GET', '/api/v1/intel/feeds', undefined, 'auditor');
    expect(list.json().feeds).toEqual(expect.arrayContaining([expect.objectContaining({ id: feed.id, counts: expect.objectContaining({ stored: 280 }) })]));
    expect(list.body).not.toContain(secret);
    await api('DELETE', `/api/v1/intel/feeds/${feed.id}`);
  });

  it('restarts a walk whose token the server no longer knows, and the job follows due feeds', async () => {
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Job', api_root: apiRoot, collection_id: ALL_COLLECTION_ID, auth: { kind: 'basic', username: 'x', password: remoteToken }, default_marking: CLEAR, page_size: 100 })).json();
    // A walk stopped at a token the remote refuses (400): the run starts the walk again, nothing is missed.
    await node.ctx.store.db.updateTable('intel_feeds').set({ next: 'not-a-token', run_added_after: null }).where('id', '=', made.id).execute();
    await followFeeds(node.ctx);
    const after = (await api('GET', `/api/v1/intel/feeds/${made.id}`)).json();
    expect(after.state).toMatchObject({ last_error: null, resuming: false });
    expect(after.counts.stored + after.counts.duplicates).toBe(280);
    // Not due again before its interval: the job leaves it alone.
    await followFeeds(node.ctx);
    expect((await api('GET', `/api/v1/intel/feeds/${made.id}`)).json().state.last_run_at).toBe(after.state.last_run_at);
    expect(after.state.last_run_at).not.toBeNull();
  });

  it('brings an object the remote added later at exactly the instant the last walk ended at, and an idle run after it stores nothing and stops', async () => {
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Same instant', api_root: apiRoot, collection_id: ALL_COLLECTION_ID, auth: { kind: 'token', token: remoteToken }, default_marking: GREEN, page_size: 200, enabled: false })).json();
    const first = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(first.state).toMatchObject({ last_error: null, resuming: false });
    const held = (await fromFeed(made.id)).length;
    expect(held).toBe(first.counts.stored);
    // The remote adds an object that gets the date_added of its newest one (a server that keeps
    // coarse times does this whenever two adds fall in one tick).
    const late = indicator({ name: 'same instant' });
    const newest = await remote.ctx.store.db.selectFrom('intel_objects').select((eb) => eb.fn.max('date_added').as('t')).executeTakeFirstOrThrow();
    await remoteImport([late]);
    await remote.ctx.store.db.updateTable('intel_objects').set({ date_added: String(newest.t) }).where('id', '=', late.id).execute();
    expect((await api('GET', `/api/v1/intel/feeds/${made.id}`)).json().state.added_after).toBe(first.state.added_after);

    const second = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(second.state.last_error).toBeNull();
    expect((await fromFeed(made.id)).map((r) => r.id)).toContain(late.id);
    expect(second.counts.stored).toBe(held + 1);

    // Nothing new: the objects of the last instant are read again on one page, stored once, counted as duplicates only.
    proxy.state.urls = [];
    const idle = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(idle.state).toMatchObject({ last_error: null, resuming: false, added_after: second.state.added_after });
    expect(idle.counts.stored).toBe(held + 1);
    expect(idle.counts.marked).toBe(second.counts.marked);
    expect(idle.counts.duplicates).toBeGreaterThan(second.counts.duplicates);
    expect(proxy.state.urls).toHaveLength(1);
    expect((await fromFeed(made.id)).length).toBe(held + 1);
    // Done: due again after its interval, not at once.
    const row = await node.ctx.store.db.selectFrom('intel_feeds').select(['due_at', 'last_run_at']).where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(Date.parse(row.due_at) - Date.parse(row.last_run_at!)).toBeGreaterThanOrEqual(made.interval_minutes * 60_000);
    await api('DELETE', `/api/v1/intel/feeds/${made.id}`);
  });

  it('changes a feed: a new collection starts from the beginning; a wrong secret is an error on the feed', async () => {
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Change', api_root: apiRoot, collection_id: ALL_COLLECTION_ID, auth: { kind: 'token', token: 'wrong' }, default_marking: GREEN, enabled: false })).json();
    const run = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(run.state.last_error).toMatch(/^HTTP 401/);
    const changed = await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { auth: { kind: 'token', token: remoteToken }, interval_minutes: 15 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ interval_minutes: 15, auth: { has_secret: true } });
    expect(changed.body).not.toContain(remoteToken);
    expect((await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { default_marking: 'x' })).statusCode).toBe(400);
    const ok = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(ok.state.last_error).toBeNull();
    expect(ok.state.added_after).not.toBeNull();
    const moved = (await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { collection_id: '7a4e2c19-5d3b-4f80-9a6e-1c2b3d4e5f60' })).json();
    expect(moved.state.added_after).toBeNull();
  });

  it('reads its allow-list from ACCORD_FEED_ALLOW alone: what webhooks may reach does not open a feed', async () => {
    // Without a token: the remote, once reached, answers 401 and nothing is stored.
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Loopback', api_root: apiRoot, collection_id: '9a0c1f57-0000-4000-8000-000000000000', default_marking: GREEN, enabled: false })).json();
    const { feedAllow, webhookAllow } = node.ctx.settings;
    node.ctx.settings.feedAllow = [];
    node.ctx.settings.webhookAllow = ['127.0.0.1'];
    try {
      const after = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
      expect(after.state.last_error).toMatch(/not allowed.*ACCORD_FEED_ALLOW/);
      expect(after.counts.pages).toBe(0);
    } finally {
      Object.assign(node.ctx.settings, { feedAllow, webhookAllow });
    }
    // With the feeds' own list (127.0.0.1 in these tests) the request reaches the remote.
    const again = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(again.state.last_error).toMatch(/^HTTP 401/);
    await api('DELETE', `/api/v1/intel/feeds/${made.id}`);
  });
});
