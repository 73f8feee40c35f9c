import { sql, type Kysely } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, type Assembly } from '../../src/app/assembly.js';
import { buildApp } from '../../src/app/build-app.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import { initNode } from '../../src/app/init-node.js';
import { JobRunner } from '../../src/app/job-runner.js';
import { startServer, type RunningNode } from '../../src/app/server.js';
import { ALL_ROLES } from '../../src/auth/roles.js';
import type { Capability } from '../../src/capability.js';
import { resolveSettings } from '../../src/config/settings.js';
import type { NodeContext } from '../../src/context.js';
import { sendNotice } from '../../src/federation/federation.service.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import { addPeer } from '../../src/federation/peers.service.js';
import type { MessageType } from '../../src/federation/protocol/message-types.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { buildUser } from '../_util/node.js';

/**
 * A throw-away capability, added to the list in one line, gets its migration, routes, message
 * type, job, permission, notification kind and release rule from that list alone.
 */
const raw = (ctx: NodeContext) => ctx.store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;

const EchoBody = Type.Object({ text: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const EchoType = {
  type: 'fixture.echo/v1',
  body: EchoBody,
  // The handler receives the receiving node's context as a parameter.
  handle: async (trx, e, ctx) => {
    await sql`insert into fixture_items (text, received_by) values (${e.body.text}, ${ctx.identity.node_id})`.execute(trx);
  },
} satisfies MessageType<typeof EchoBody>;

const jobRuns: string[] = [];

const fixture: Capability = {
  name: 'fixture',
  permissions: { 'fixture:read': ALL_ROLES, 'fixture:write': ['admin'] },
  notificationKinds: [{ kind: 'fixture.done', defaultChannel: 'webhook' }],
  tables: ['fixture_items'],
  migrations: {
    '20270101T000000-fixture-items': {
      up: async (db) => {
        await db.schema.createTable('fixture_items').addColumn('text', 'text', (c) => c.notNull()).addColumn('received_by', 'text', (c) => c.notNull()).execute();
      },
    },
  },
  messages: [EchoType],
  routes: (app, ctx) => {
    app.get('/api/v1/fixture/items', { config: { access: { permission: 'fixture:read' } } }, () => raw(ctx).selectFrom('fixture_items').selectAll().execute());
  },
  jobs: [
    { name: 'fixture.tick', everyMs: 60_000, run: async (ctx) => void jobRuns.push(ctx.identity.node_id) },
    {
      name: 'fixture.broken',
      everyMs: 60_000,
      run: async () => {
        throw new Error('the fixture job always fails');
      },
    },
  ],
  release: (_ctx, q) => ((q.body as { text?: string }).text?.includes('classified') ? 'the fixture never releases classified text' : true),
};

const assembly: Assembly = assemble([...CAPABILITIES, fixture]);

async function newNode(dialect: (typeof DIALECTS)[number], nodeId: string): Promise<{ target: TestDbTarget; ctx: NodeContext }> {
  const target = newTestDbTarget(dialect);
  const r = await initNode(
    { dataDir: target.dataDir, nodeId, country: 'UZ', names: { en: nodeId }, db: target.db, dbSchema: target.dbSchema, settings: { logLevel: 'silent', port: 0 } },
    assembly,
  );
  return { target, ctx: r.ctx };
}

describe('the capability list', () => {
  it('refuses two capabilities that claim the same permission, kind, table, migration, job or message type', () => {
    const twin = (extra: Partial<Capability>): Capability => ({ name: 'twin', ...extra });
    expect(() => assemble([...CAPABILITIES, twin({ permissions: { 'node:read': [] } })])).toThrow(/permission node:read is declared by both node and twin/);
    expect(() => assemble([...CAPABILITIES, twin({ tables: ['peers'] })])).toThrow(/table peers is declared by both federation and twin/);
    expect(() => assemble([...CAPABILITIES, twin({ notificationKinds: [{ kind: 'ping_test.request', defaultChannel: 'none' }] })])).toThrow(/notification kind/);
    expect(() => assemble([...CAPABILITIES, twin({ migrations: { '20261201T120000-jobs': { up: async () => {} } } })])).toThrow(/migration/);
    expect(() => assemble([...CAPABILITIES, twin({ jobs: [{ name: 'directory.reminder', everyMs: 1, run: async () => {} }] })])).toThrow(/job directory.reminder/);
    expect(() => assemble([...CAPABILITIES, twin({ messages: [EchoType] }), { ...fixture, name: 'fixture2', permissions: {}, notificationKinds: [], tables: [], migrations: {}, jobs: [] }])).toThrow(/registered twice/);
    expect(() => assemble([...CAPABILITIES, { name: 'node' }])).toThrow(/capability node/);
  });

  it('gathers permissions and notification kinds from every capability', () => {
    expect(assembly.catalog.permissions.get('fixture:write')).toEqual(['admin']);
    expect(assembly.catalog.permissions.get('directory:write')).toEqual(['admin', 'coordinator']);
    expect(assembly.catalog.notificationKinds.map((k) => k.kind)).toContain('fixture.done');
    expect(Object.keys(assembly.migrations)).toContain('20270101T000000-fixture-items');
    expect(assembly.createRegistry().names()).toContain('fixture.echo/v1');
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, () => {
      let a: Awaited<ReturnType<typeof newNode>>;
      beforeAll(async () => {
        a = await newNode(dialect, 'fixture-a');
      });
      afterAll(async () => {
        await a.ctx.store.close();
        await a.target.cleanup();
      });

      it('runs its migration and serves its routes under its own permission', async () => {
        const app = await buildApp(a.ctx, { logger: false, assembly });
        const admin = await buildUser(a.ctx, 'admin');
        const ok = await app.inject({ method: 'GET', url: '/api/v1/fixture/items', headers: { authorization: `Bearer ${admin.token}` } });
        expect(ok.statusCode).toBe(200);
        expect(ok.json()).toEqual([]);
        expect((await app.inject({ method: 'GET', url: '/api/v1/fixture/items' })).statusCode).toBe(401);
        // The standard node does not know the fixture's route.
        const plain = await buildApp(a.ctx, { logger: false });
        expect((await plain.inject({ method: 'GET', url: '/api/v1/fixture/items', headers: { authorization: `Bearer ${admin.token}` } })).statusCode).toBe(404);
        await Promise.all([app.close(), plain.close()]);
      });

      it('refuses to start a route that names a permission no capability declared', async () => {
        const typo: Capability = { name: 'typo', routes: (app) => void app.get('/api/v1/typo', { config: { access: { permission: 'fixture:raed' } } }, () => ({})) };
        await expect(buildApp(a.ctx, { logger: false, assembly: assemble([...CAPABILITIES, typo]) })).rejects.toThrow(/unknown permission fixture:raed/);
      });

      it('runs each due job once across two runners on one database (claimed by compare-and-set)', async () => {
        const before = jobRuns.length;
        const silent = (await buildApp(a.ctx, { logger: false, assembly })).log;
        const one = new JobRunner(a.ctx, assembly.jobs, silent, { tickMs: 10 });
        const two = new JobRunner(a.ctx, assembly.jobs, silent, { tickMs: 10 });
        await Promise.all([one.start(), two.start()]);
        const deadline = Date.now() + 20_000;
        while (jobRuns.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        // Several more ticks of both runners: the job is not due again for a minute.
        for (let i = 0; i < 5; i++) {
          one.kick();
          two.kick();
          await Promise.all([one.idle(), two.idle()]);
        }
        await Promise.all([one.stop(), two.stop()]);
        expect(jobRuns.length - before).toBe(1);
        const row = await a.ctx.store.db.selectFrom('jobs').selectAll().where('name', '=', 'fixture.tick').executeTakeFirstOrThrow();
        expect(Number(row.runs)).toBe(1);
        expect(row.claimed_by).toBeNull();
        expect(row.next_run_at > new Date(Date.now() + 30_000).toISOString()).toBe(true);
      });
    });
  }

  describe('between two nodes over HTTP (SQLite)', () => {
    let a: RunningNode;
    let b: RunningNode;
    const targets: TestDbTarget[] = [];
    beforeAll(async () => {
      const [na, nb] = await Promise.all([newNode('sqlite', 'fixture-a'), newNode('sqlite', 'fixture-b')]);
      targets.push(na.target, nb.target);
      await Promise.all([na.ctx.store.close(), nb.ctx.store.close()]);
      [a, b] = await Promise.all([na, nb].map((n) => startServer(resolveSettings({ dataDir: n.target.dataDir }), { assembly })));
      await addPeer(a!.ctx, { ref: 'test' }, { url: b!.url, fingerprint: b!.ctx.identity.fingerprint });
      await addPeer(b!.ctx, { ref: 'test' }, { url: a!.url, fingerprint: a!.ctx.identity.fingerprint });
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await Promise.all(targets.map((t) => t.cleanup()));
    });

    it('runs its jobs in the running node, counting runs and failures in /metrics and on the job row', async () => {
      const metric = (text: string, job: string, outcome: string) => new RegExp(`accord_job_runs_total\\{job="${job}",outcome="${outcome}"\\} 1\\b`).test(text);
      const deadline = Date.now() + 30_000;
      let text = '';
      while (!(metric(text, 'fixture.tick', 'ok') && metric(text, 'fixture.broken', 'failed')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        text = (await a.app.inject({ method: 'GET', url: '/metrics' })).body;
      }
      expect(metric(text, 'fixture.tick', 'ok')).toBe(true);
      expect(metric(text, 'fixture.broken', 'failed')).toBe(true);
      const row = await a.ctx.store.db.selectFrom('jobs').selectAll().where('name', '=', 'fixture.broken').executeTakeFirstOrThrow();
      expect({ failures: Number(row.failures), last_error: row.last_error, claimed_by: row.claimed_by }).toEqual({ failures: 1, last_error: 'the fixture job always fails', claimed_by: null });
    });

    it("delivers the capability's message type to the peer, whose handler gets the peer's context", async () => {
      await a.ctx.store.db.transaction().execute((trx) => enqueueMessages(a.ctx, trx, 'fixture-b', EchoType.type, [{ text: 'hello' }]));
      await a.app.inject({ method: 'GET', url: '/healthz' });
      const deadline = Date.now() + 30_000;
      let rows: Record<string, unknown>[] = [];
      while (rows.length === 0 && Date.now() < deadline) {
        rows = await raw(b.ctx).selectFrom('fixture_items').selectAll().execute();
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toEqual([{ text: 'hello', received_by: 'fixture-b' }]);
    });

    it('sends everything through the release gate: a refused body queues nothing, a released one is audited', async () => {
      const outbox = () => a.ctx.store.db.selectFrom('outbox').select('id').execute();
      const queued = (await outbox()).length;
      await expect(a.ctx.store.db.transaction().execute((trx) => enqueueMessages(a.ctx, trx, 'fixture-b', EchoType.type, [{ text: 'fine' }, { text: 'classified' }]))).rejects.toMatchObject({
        status: 403,
        type: 'release-refused',
      });
      // Notices of federation itself pass the capability's rule too.
      await expect(sendNotice(a.ctx, { ref: 'test' }, 'fixture-b', 'Re', 'classified')).rejects.toMatchObject({ type: 'release-refused' });
      expect((await outbox()).length).toBe(queued);
      await sendNotice(a.ctx, { ref: 'test' }, 'fixture-b', 'Re', 'plain text');
      const released = await a.ctx.store.db.selectFrom('audit_log').select(['action', 'target', 'details']).where('action', '=', 'federation.release').execute();
      expect(released.map((r) => [r.target, (JSON.parse(String(r.details)) as { type: string }).type])).toEqual([
        ['peer:fixture-b', 'fixture.echo/v1'],
        ['peer:fixture-b', 'federation.notice/v1'],
      ]);
    });
  });
});
