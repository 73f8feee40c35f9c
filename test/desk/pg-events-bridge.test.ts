import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelOf, pgEventsBridge, type PgEventsBridge } from '../../src/desk/pg-events-bridge.js';
import { PG_URL } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { waitFor } from '../federation/_federation.js';

/**
 * Events published in a burst (a batch of case events, each publishing desk.changed) go out
 * on the bridge's one connection one after another: pg warns when a client is given a query
 * while it runs another ("Calling client.query() when the client is already executing a
 * query is deprecated"), and pg 9 will refuse it.
 */
describe('the PostgreSQL events bridge under a burst of events', () => {
  let node: TestNode;
  let bridge: PgEventsBridge;
  let listener: pg.Client;
  const heard: string[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  const logged: unknown[] = [];
  const log = { warn: (o: unknown) => logged.push(o) } as unknown as FastifyBaseLogger;

  beforeAll(async () => {
    node = await createTestNode('postgres', { requireAdminTotp: false });
    listener = new pg.Client({ connectionString: PG_URL });
    await listener.connect();
    listener.on('notification', (m) => m.payload && heard.push((JSON.parse(m.payload) as { source: string }).source));
    await listener.query(`LISTEN "${channelOf(node.ctx.settings.dbSchema)}"`);
    bridge = pgEventsBridge(node.ctx, log);
    await bridge.start();
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await bridge?.stop();
    await listener?.end();
    await node?.close();
  });

  it('notifies every distinct event of a burst, one query at a time, without a deprecation warning', async () => {
    for (let i = 0; i < 20; i++) node.ctx.events.publish({ type: 'desk.changed', source: `burst-${i % 5}` });
    await waitFor('the burst heard by another connection', () => ['burst-0', 'burst-1', 'burst-2', 'burst-3', 'burst-4'].every((s) => heard.includes(s)), 10_000);
    // A warning is emitted on the next tick: give it one.
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
    expect(logged).toEqual([]);
    // Repeats of an event still waiting were sent once: at most one per source after the first.
    expect(heard.length).toBeLessThanOrEqual(10);
  });
});
