import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { UnauthenticatedError } from '../errors.js';
import { sendProblem } from './problem.js';

/** Compares in constant time, so the token cannot be guessed byte by byte from timings. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export function registerSystemRoutes(app: TypedApp, ctx: NodeContext, metrics: Registry): void {
  const pub = { access: { public: true } } as const;
  app.get('/healthz', { config: pub, schema: { tags: ['system'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/readyz',
    { config: pub, schema: { tags: ['system'], summary: 'Readiness: the database answers', response: { 200: Type.Object({ status: Type.String() }), 503: Type.Object({ status: Type.String() }) } } },
    async (_req, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
        return { status: 'ready' };
      } catch {
        return reply.status(503).send({ status: 'database unavailable' });
      }
    },
  );

  const metricsToken = ctx.settings.metricsToken;
  app.get('/metrics', { config: pub, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: false } }, async (req, reply) => {
    if (metricsToken !== undefined && !bearerMatches(req.headers.authorization, metricsToken)) {
      return sendProblem(req, reply, new UnauthenticatedError('send the metrics token (ACCORD_METRICS_TOKEN) as a bearer token'));
    }
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });

  app.get('/api/openapi.json', { config: pub, schema: { tags: ['system'], summary: 'This OpenAPI document' } }, async () => app.swagger());
}
