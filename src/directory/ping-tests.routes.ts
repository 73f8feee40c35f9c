import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf, principalOf } from '../auth/access.js';
import { NotFoundError } from '../errors.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { registerPingScheduleRoutes } from './ping-schedules.routes.js';
import { registerPingTestMetrics } from './ping-tests.metrics.js';
import { exportPingTests, pingTestHistory } from './ping-tests.reports.js';
import type { PingTestsTable } from './ping-tests.tables.js';
import { confirmPingTest, listPingTests, pingTestByToken, pingTestState, PingTestClosedError, pingTestStats, startPingTests } from './ping-tests.service.js';

const PingTestSchema = Type.Object({
  id: Type.String(),
  direction: Type.String(),
  peer_node: Type.String(),
  started_at: Type.String(),
  deadline_at: Type.String(),
  window_minutes: Type.Integer(),
  status: Type.String(),
  escalation_level: Type.Integer(),
  confirmed_at: Type.Union([Type.String(), Type.Null()]),
  confirmed_by: Type.Union([Type.String(), Type.Null()]),
  response_ms: Type.Union([Type.Integer(), Type.Null()]),
  schedule_id: Type.Union([Type.String(), Type.Null()]),
});
/** In lists, with the peer's state now (a peer down or a stale entry explains a test that stays unanswered). */
const PingTestListing = Type.Object({
  ...PingTestSchema.properties,
  peer_reachable: Type.Union([Type.Boolean(), Type.Null()]),
  peer_freshness: Type.Union([Type.Literal('valid'), Type.Literal('expiring'), Type.Literal('stale'), Type.Literal('expired'), Type.Null()]),
});
/** Outcomes and response times of a set of tests: a node, a group, a period. */
const Outcomes = {
  answered: Type.Integer(),
  unanswered: Type.Integer(),
  pending: Type.Integer(),
  response_rate: Type.Union([Type.Number(), Type.Null()]),
  median_ms: Type.Union([Type.Number(), Type.Null()]),
  p90_ms: Type.Union([Type.Number(), Type.Null()]),
};
const Stats = Type.Object({ sent: Type.Integer(), ...Outcomes });
const History = Type.Object({
  bucket: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
  series: Type.Array(
    Type.Object({
      key: Type.String(),
      kind: Type.Union([Type.Literal('node'), Type.Literal('group')]),
      id: Type.String(),
      points: Type.Array(
        Type.Object({ period: Type.String({ description: '2026-11 or 2026-Q4 (UTC)' }), started: Type.Integer(), ...Outcomes }),
      ),
    }),
  ),
});
const Token = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
}

/** Ping tests: start and see them (coordinators), answer them (duty staff, or the e-mail link). */
export function registerPingTestRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'directory:read' as const } };
  const write = { access: { permission: 'directory:write' as const } };
  registerPingScheduleRoutes(app, ctx);
  registerPingTestMetrics(app.metricsRegistry, ctx);

  app.post(
    '/api/v1/ping-tests',
    {
      config: write,
      schema: {
        tags: ['directory'],
        summary: 'Start a ping test of a node or of every member of a group',
        body: Type.Object({ node_id: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })), group_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), window_minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })) }, { additionalProperties: false }),
        response: { 201: Type.Array(PingTestSchema), ...problemResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await startPingTests(ctx, actorOf(req), req.body)),
  );

  app.get(
    '/api/v1/ping-tests',
    { config: read, schema: { tags: ['directory'], summary: 'Ping tests sent and received, newest first, with the state of each peer', querystring: Type.Object({ direction: Type.Optional(Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')])) }, { additionalProperties: false }), response: { 200: Type.Array(PingTestListing), ...problemResponses } } },
    (req) => listPingTests(ctx, req.query.direction),
  );

  app.get(
    '/api/v1/ping-tests/stats',
    { config: read, schema: { tags: ['directory'], summary: 'Response rate and times per node and per group', response: { 200: Type.Object({ nodes: Type.Record(Type.String(), Stats), groups: Type.Record(Type.String(), Stats) }), ...problemResponses } } },
    () => pingTestStats(ctx),
  );

  app.get(
    '/api/v1/ping-tests/history',
    {
      config: read,
      schema: {
        tags: ['directory'],
        summary: 'Response rate and times per node and per group, by month or quarter',
        querystring: Type.Object({ bucket: Type.Optional(Type.Union([Type.Literal('month'), Type.Literal('quarter')])) }, { additionalProperties: false }),
        response: { 200: History, ...problemResponses },
      },
    },
    (req) => pingTestHistory(ctx, req.query.bucket ?? 'month'),
  );

  app.get(
    '/api/v1/ping-tests/export',
    {
      config: read,
      schema: { tags: ['directory'], summary: 'Export every ping test as CSV or JSON', querystring: Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('json')]) }, { additionalProperties: false }) },
    },
    async (req, reply) => {
      const { format } = req.query;
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="accord-ping-tests-${stamp}.${format}"`)
        .send(await exportPingTests(ctx, format));
    },
  );

  app.post(
    '/api/v1/ping-tests/:id/confirm',
    { config: { access: { permission: 'ping:answer' as const } }, schema: { tags: ['directory'], summary: 'Confirm a received ping test as the signed-in user', params: IdParams, response: { 200: PingTestSchema, ...problemResponses } } },
    async (req) => {
      const p = principalOf(req);
      const { already: _already, ...t } = await confirmPingTest(ctx, actorOf(req), { id: req.params.id, name: `${p.user.display_name} <${p.user.email}>` });
      return t;
    },
  );

  // The link in the e-mail: GET shows a button (mail scanners fetch links; only people press
  // buttons), POST confirms. Plain HTML and a form: no script, no sign-in, the token is the proof.
  // Each page says what really happened: confirmed now, confirmed before, or too late.
  const title = 'Accord ping test';
  const answeredPage = (t: PingTestsTable) =>
    page(title, `<h1>Already confirmed</h1><p>This ping test from ${esc(t.peer_node)} was confirmed at ${esc(t.confirmed_at)} by ${esc(t.confirmed_by)}. Nothing more to do.</p>`);
  const closedPage = (t: PingTestsTable) =>
    page(title, `<h1>Too late</h1><p>The window of this ping test from ${esc(t.peer_node)} closed at ${esc(t.deadline_at)}. Nothing was recorded and ${esc(t.peer_node)} was not told; it counts the test as unanswered.</p>`);
  const unknownPage = page(title, '<h1>Link not valid</h1><p>This confirmation link is not known on this node. Check that you opened the whole link from the e-mail.</p>');
  // A person with a browser gets a page; any other client the usual 404 problem.
  const unknown = (req: FastifyRequest, reply: FastifyReply) => {
    if (!(req.headers.accept ?? '').includes('text/html')) throw new NotFoundError('ping test');
    return reply.status(404).type('text/html; charset=utf-8').send(unknownPage);
  };
  app.register(async (scope: TypedApp) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    scope.get(
      '/ping-tests/confirm',
      { config: { access: { public: true } }, schema: { hide: true, querystring: Type.Object({ token: Token }, { additionalProperties: false }) } },
      async (req, reply) => {
        reply.type('text/html; charset=utf-8');
        const t = await pingTestByToken(ctx.store.db, req.query.token);
        if (!t) return unknown(req, reply);
        const state = pingTestState(t);
        if (state === 'answered') return reply.send(answeredPage(t));
        if (state === 'closed') return reply.status(410).send(closedPage(t));
        return reply.send(
          page(title, `<h1>Ping test</h1><p>${esc(t.peer_node)} asks ${esc(ctx.identity.node_id)} to confirm that its point of contact answers, before ${esc(t.deadline_at)}.</p><form method="post" action="/ping-tests/confirm"><input type="hidden" name="token" value="${esc(req.query.token)}"><button type="submit" style="font-size:1.2rem;padding:.6rem 1.2rem">Confirm</button></form>`),
        );
      },
    );
    scope.post(
      '/ping-tests/confirm',
      { config: { access: { public: true } }, schema: { hide: true, body: Type.Object({ token: Token }, { additionalProperties: false }) } },
      async (req, reply) => {
        reply.type('text/html; charset=utf-8');
        let t: Awaited<ReturnType<typeof confirmPingTest>>;
        try {
          t = await confirmPingTest(ctx, { ref: 'contact', ip: req.ip }, { token: req.body.token });
        } catch (e) {
          if (e instanceof PingTestClosedError) return reply.status(410).send(closedPage(e.test));
          if (e instanceof NotFoundError) return unknown(req, reply);
          throw e;
        }
        if (t.already) return reply.send(answeredPage(t));
        return reply.send(page(title, `<h1>Thank you</h1><p>Confirmed at ${esc(t.confirmed_at)}. ${esc(t.peer_node)} has been told.</p>`));
      },
    );
  });
}
