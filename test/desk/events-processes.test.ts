import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assembly.js';
import { buildApp } from '../../src/app/build-app.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import { openNode } from '../../src/app/open-node.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { NodeContext } from '../../src/context.js';
import { deskCapability } from '../../src/desk/index.js';
import type { NodeEvent } from '../../src/util/event-bus.js';
import { buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { waitFor } from '../federation/_federation.js';
import { addPeerRow, receiveIncomingPingTest } from './_fixtures.js';
import { openSse } from './_sse.js';

/** One node served by two processes on one PostgreSQL: two contexts (two buses), two apps. */
describe('live events between processes of one node on PostgreSQL', () => {
  let node: TestNode;
  let other: TestNode;
  const opened: { ctx: NodeContext; app: FastifyInstance; url: string }[] = [];
  let token = '';

  async function serve(ctx: NodeContext) {
    const assembly = assemble([...CAPABILITIES.filter((c) => c.name !== 'desk'), deskCapability({ heartbeatMs: 100 })]);
    const app = await buildApp({ ...ctx, catalog: assembly.catalog }, { logger: false, assembly });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const served = { ctx, app, url };
    opened.push(served);
    return served;
  }

  beforeAll(async () => {
    node = await createTestNode('postgres', { requireAdminTotp: false });
    other = await createTestNode('postgres', { requireAdminTotp: false }, 'other-node');
    token = (await buildUser(node.ctx, 'officer')).token;
  });
  afterAll(async () => {
    for (const s of opened) await s.app.close();
    for (const s of opened.slice(1)) if (s.ctx !== node.ctx && s.ctx !== other.ctx) await s.ctx.store.close();
    await node.close();
    await other.close();
  });

  it("a change through one process reaches the streams open on the other, once, and not another node's", async () => {
    const first = await serve(node.ctx);
    const second = await serve(await openNode(resolveSettings({ dataDir: node.dataDir })));
    // Capabilities listen too (evidence wakes its fetch on the inbox's events): count the stream above them.
    const listening = second.ctx.events.listenerCount;
    const stranger = await serve(other.ctx);
    const auth = { authorization: `Bearer ${token}` };
    const onSecond = await openSse(`${second.url}/api/v1/events`, auth);
    const strangerToken = (await buildUser(other.ctx, 'officer')).token;
    const onStranger = await openSse(`${stranger.url}/api/v1/events`, { authorization: `Bearer ${strangerToken}` });
    await onSecond.waitFor(': connected');
    await onStranger.waitFor(': connected');

    const heardOnFirst: NodeEvent[] = [];
    const stop = first.ctx.events.subscribe((e) => heardOnFirst.push(e));
    await addPeerRow(node.ctx, 'kz-cert');
    await receiveIncomingPingTest(node.ctx, 'kz-cert', 'pt-processes');
    const confirmed = await fetch(`${first.url}/api/v1/ping-tests/pt-processes/confirm`, { method: 'POST', headers: auth });
    expect(confirmed.status).toBe(200);

    await onSecond.waitFor('event: desk\ndata: changed\n\n');
    expect(second.ctx.events.listenerCount).toBe(listening + 1);
    // The first process does not hear its own notification back; the other node hears nothing.
    const at = onStranger.text().length;
    await onStranger.waitFor(': heartbeat\n\n', await onStranger.waitFor(': heartbeat\n\n', at));
    expect(onStranger.text()).not.toContain('event:');
    await waitFor('the first process settled', () => heardOnFirst.length >= 1, 5000);
    expect(heardOnFirst).toEqual([{ type: 'desk.changed', source: 'api' }]);
    stop();
    onSecond.close();
    onStranger.close();
  });
});
