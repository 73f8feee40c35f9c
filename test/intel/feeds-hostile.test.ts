import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { DIALECTS } from '../_util/db.js';
import { followingNode, type FollowingNode, type Method } from './_feeds.js';
import { indicator } from './_intel.js';

const GREEN = tlp2MarkingId('green');
const TAXII = 'application/taxii+json;version=2.1';

/** A remote that speaks HTTP but not honest TAXII: each test says how it answers the n-th request. */
function hostileRemote() {
  type Answer = (n: number, req: IncomingMessage, res: ServerResponse) => void;
  const state: { urls: string[]; answer: Answer } = { urls: [], answer: (_n, _req, res) => void res.end() };
  const server: Server = createServer((req, res) => {
    state.urls.push(req.url ?? '');
    state.answer(state.urls.length, req, res);
  });
  return { server, state };
}

const send = (res: ServerResponse, body: string, type = TAXII) => {
  res.writeHead(200, { 'content-type': type });
  res.end(body);
};
const envelope = (objects: unknown[], more = false, next?: string) => JSON.stringify({ more, ...(next ? { next } : {}), objects });

/** The TAXII client against a hostile server on 127.0.0.1: a clear error on the feed, nothing half-stored, the node well. */
describe.each(DIALECTS)('TAXII feeds from a hostile remote (%s)', (dialect) => {
  let local: FollowingNode;
  let remote: ReturnType<typeof hostileRemote>;
  let apiRoot = '';

  beforeAll(async () => {
    remote = hostileRemote();
    await new Promise<void>((resolve) => remote.server.listen(0, '127.0.0.1', resolve));
    apiRoot = `http://127.0.0.1:${(remote.server.address() as AddressInfo).port}/taxii2/api/`;
    local = await followingNode(dialect, ['admin']);
  });
  afterAll(async () => {
    await new Promise((resolve) => remote?.server.close(resolve));
    await local?.close();
  });

  const api = (method: Method, url: string, body?: unknown) => local.api(method, url, body);
  /** A new feed of the hostile remote, run once; the feed as the API shows it after the run. */
  const runOnce = async (title: string, answer: typeof remote.state.answer) => {
    remote.state.urls = [];
    remote.state.answer = answer;
    const made = await api('POST', '/api/v1/intel/feeds', { title, api_root: apiRoot, collection_id: 'c1', default_marking: GREEN, page_size: 10, enabled: false });
    expect(made.statusCode, made.body).toBe(201);
    const run = await api('POST', `/api/v1/intel/feeds/${made.json().id}/run`);
    expect(run.statusCode, run.body).toBe(200);
    return run.json() as { id: string; state: { last_error: string | null; running: boolean }; counts: { pages: number; stored: number } };
  };
  const fromFeed = async (feedId: string) => (await local.node.ctx.store.db.selectFrom('intel_objects').select('id').where('source', '=', `feed:${feedId}`).execute()).map((r) => r.id);
  const healthy = async () => {
    expect((await local.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await api('GET', '/api/v1/intel/feeds')).statusCode).toBe(200);
  };

  it('refuses a page nested thousands deep with a clear error, stores nothing of it, and keeps what came before', async () => {
    const good = [indicator({ name: 'before the deep page' }), indicator({ name: 'also before' })];
    const beside = indicator({ name: 'beside the deep one' });
    let deep = '0';
    for (let i = 0; i < 5000; i++) deep = `{"x":${deep}}`;
    const feed = await runOnce('Deep', (n, _req, res) => {
      if (n === 1) return send(res, envelope(good, true, 'p2'));
      send(res, `{"more":false,"objects":[${JSON.stringify(beside)},${JSON.stringify(indicator({ name: 'deep' })).replace(/}$/, `,"x_deep":${deep}}`)}]}`);
    });
    expect(feed.state.last_error).toMatch(/nests deeper than \d+ levels/);
    expect(feed.state.running).toBe(false);
    expect(feed.counts).toMatchObject({ pages: 1, stored: 2 });
    expect((await fromFeed(feed.id)).sort()).toEqual(good.map((o) => o.id).sort());
    // A whole page that is nothing but brackets, far deeper than any parser likes.
    const brackets = await runOnce('Brackets', (_n, _req, res) => send(res, `${'['.repeat(200_000)}${']'.repeat(200_000)}`));
    expect(brackets.state.last_error).toMatch(/nests deeper/);
    expect(await fromFeed(brackets.id)).toEqual([]);
    await healthy();
  });

  it('stops a walk whose next token comes again (the same, or A, B, A) with an error after a bounded number of pages', async () => {
    const same = await runOnce('Same token', (_n, _req, res) => send(res, envelope([indicator()], true, 'again')));
    expect(same.state.last_error).toMatch(/paging loops/);
    expect(remote.state.urls).toHaveLength(2);
    expect(same.counts.pages).toBe(1);

    const cycle = await runOnce('A, B, A', (n, _req, res) => send(res, envelope([indicator()], true, n % 2 === 1 ? 'A' : 'B')));
    expect(cycle.state.last_error).toMatch(/paging loops/);
    expect(remote.state.urls).toHaveLength(3);
    expect(remote.state.urls[1]).toContain('next=A');
    expect(remote.state.urls[2]).toContain('next=B');
    expect(cycle.counts.pages).toBe(2);
    // The next run asks where the walk stopped and stops again at once: no run goes on for ever.
    remote.state.urls = [];
    const again = (await api('POST', `/api/v1/intel/feeds/${cycle.id}/run`)).json();
    expect(again.state.last_error).toMatch(/paging loops/);
    expect(remote.state.urls.length).toBeLessThanOrEqual(2);
    await healthy();
  });

  it('refuses a page that is not JSON, or comes as another media type than TAXII 2.1', async () => {
    const notJson = await runOnce('Not JSON', (_n, _req, res) => send(res, '<html>maintenance</html>'));
    expect(notJson.state.last_error).toBe('the answer is not JSON');
    for (const type of ['application/json', 'text/html; charset=utf-8', 'application/taxii+json;version=2.0', 'application/stix+json;version=2.1']) {
      const o = indicator();
      const wrong = await runOnce(`Type ${type}`, (_n, _req, res) => send(res, envelope([o]), type));
      expect(wrong.state.last_error).toBe(`the answer is ${type}, not a TAXII 2.1 envelope (${TAXII})`);
      expect(await fromFeed(wrong.id)).toEqual([]);
    }
    // Without a media type at all, too.
    const none = await runOnce('No type', (_n, _req, res) => {
      res.writeHead(200);
      res.end(envelope([indicator()]));
    });
    expect(none.state.last_error).toMatch(/of no media type/);
    await healthy();
  });
});
