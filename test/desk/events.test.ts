import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/build-app.js';
import { assemble } from '../../src/app/assembly.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import type { NodeContext } from '../../src/context.js';
import { deskCapability } from '../../src/desk/index.js';
import type { EventStreamOptions } from '../../src/desk/event-stream.js';
import { buildUser, createTestNode, SessionClient, type TestNode } from '../_util/node.js';
import { waitFor } from '../federation/_federation.js';
import { addPeerRow, receiveIncomingPingTest } from './_fixtures.js';
import { openSse, type SseReader } from './_sse.js';

/** The standard node with its event streams tuned (a short heartbeat, a small limit). */
async function listen(ctx: NodeContext, streams: EventStreamOptions): Promise<{ app: FastifyInstance; url: string }> {
  const assembly = assemble([...CAPABILITIES.filter((c) => c.name !== 'desk'), deskCapability(streams)]);
  const app = await buildApp({ ...ctx, catalog: assembly.catalog }, { logger: false, assembly });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `${address}/api/v1/events` };
}

describe('GET /api/v1/events over HTTP', () => {
  let node: TestNode;
  let app: FastifyInstance;
  let url = '';
  let token = '';
  let cookie = '';
  let baseline = 0;
  const streams = () => node.ctx.events.listenerCount - baseline;
  const open: SseReader[] = [];
  const sse = async (headers: Record<string, string>) => {
    const r = await openSse(url, headers);
    open.push(r);
    return r;
  };

  beforeAll(async () => {
    node = await createTestNode('sqlite', { requireAdminTotp: false });
    ({ app, url } = await listen(node.ctx, { heartbeatMs: 100, maxStreams: 3 }));
    // Capabilities listen too (evidence wakes its fetch on the inbox's events): count streams above them.
    baseline = node.ctx.events.listenerCount;
    const officer = await buildUser(node.ctx, 'officer');
    token = officer.token;
    const browser = new SessionClient(app);
    expect((await browser.signIn(officer.email, officer.password)).json().stage).toBe('full');
    cookie = browser.cookie;
  });
  afterEach(async () => {
    for (const r of open.splice(0)) r.close();
    await waitFor('every stream closed', () => streams() === 0, 5000);
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('opens for a browser session (its cookie), as an event stream that proxies do not buffer', async () => {
    const s = await sse({ cookie });
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toBe('no-store, no-transform');
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    // The node's security headers are kept on the stream too.
    expect(s.headers.get('x-content-type-options')).toBe('nosniff');
    await s.waitFor('retry: 3000\n: connected\n\n');
  });

  it('sends a heartbeat comment while nothing happens', async () => {
    const s = await sse({ authorization: `Bearer ${token}` });
    const after = await s.waitFor(': heartbeat\n\n');
    await s.waitFor(': heartbeat\n\n', after);
    expect(s.text()).not.toContain('event:');
  });

  it('sends one desk event for a burst of changes, to every open stream', async () => {
    const [one, two] = [await sse({ cookie }), await sse({ authorization: `Bearer ${token}` })];
    await waitFor('both subscribed', () => streams() === 2, 5000);
    for (let i = 0; i < 20; i++) node.ctx.events.publish({ type: 'desk.changed', source: 'test' });
    for (const s of [one!, two!]) {
      const at = await s.waitFor('event: desk\ndata: changed\n\n');
      // Coalesced: nothing more arrives in the next heartbeats.
      await s.waitFor(': heartbeat\n\n', at);
      await s.waitFor(': heartbeat\n\n', (await s.waitFor(': heartbeat\n\n', at)));
      expect(s.text().match(/event: desk/g)).toHaveLength(1);
    }
  });

  it('tells open desks about a change made through the API, not about a read', async () => {
    const s = await sse({ cookie });
    await waitFor('subscribed', () => streams() === 1, 5000);
    const start = s.text().length;
    expect((await app.inject({ method: 'GET', url: '/api/v1/desk', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    // A refused change changes nothing either.
    expect((await app.inject({ method: 'POST', url: '/api/v1/ping-tests/nope/confirm', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(404);
    await s.waitFor(': heartbeat\n\n', await s.waitFor(': heartbeat\n\n', start));
    expect(s.text().slice(start)).not.toContain('event:');
    // Nor does a change that concerns only its user (a token of their own).
    expect((await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'another' } })).statusCode).toBe(201);
    await s.waitFor(': heartbeat\n\n', await s.waitFor(': heartbeat\n\n', s.text().length));
    expect(s.text().slice(start)).not.toContain('event:');
    await addPeerRow(node.ctx, 'kz-cert');
    await receiveIncomingPingTest(node.ctx, 'kz-cert', 'pt-events');
    expect((await app.inject({ method: 'POST', url: '/api/v1/ping-tests/pt-events/confirm', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await s.waitFor('event: desk\n', start);
  });

  it('unsubscribes when the client goes away', async () => {
    const s = await sse({ cookie });
    await waitFor('subscribed', () => streams() === 1, 5000);
    s.close();
    await waitFor('the listener removed', () => streams() === 0, 5000);
  });

  it('refuses a caller not signed in, and one that does not accept an event stream', async () => {
    const anonymous = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const plain = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(plain.status).toBe(406);
    expect(((await plain.json()) as { type: string }).type).toBe('urn:accord:problem:not-acceptable');
  });

  it('refuses more streams than the node serves, with 503, and lets in again once one closes', async () => {
    const three = [await sse({ cookie }), await sse({ cookie }), await sse({ cookie })];
    const fourth = await fetch(url, { headers: { accept: 'text/event-stream', cookie } });
    expect(fourth.status).toBe(503);
    expect(((await fourth.json()) as { type: string }).type).toBe('urn:accord:problem:too-many-streams');
    three[0]!.close();
    await waitFor('one closed', () => streams() === 2, 5000);
    expect((await sse({ cookie })).status).toBe(200);
  });
});

describe('event streams when the node stops or a stream grows old', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode('sqlite', { requireAdminTotp: false });
  });
  afterAll(() => node.close());

  it('ends a stream after its lifetime, so that the client reconnects and is authenticated again', async () => {
    const { app, url } = await listen(node.ctx, { maxAgeMs: 300 });
    const { token } = await buildUser(node.ctx, 'auditor');
    const s = await openSse(url, { authorization: `Bearer ${token}` });
    await s.ended;
    expect(s.text()).toContain(': connected');
    await app.close();
  });

  it('ends every open stream when the node closes, without waiting for clients', async () => {
    const { app, url } = await listen(node.ctx, {});
    const { token } = await buildUser(node.ctx, 'analyst');
    const s = await openSse(url, { authorization: `Bearer ${token}` });
    await s.waitFor(': connected');
    const t0 = Date.now();
    await app.close();
    await s.ended;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(node.ctx.events.listenerCount).toBe(0);
  });
});
