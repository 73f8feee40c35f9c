import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';

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

  app.get('/metrics', { config: pub, schema: { tags: ['system'], summary: 'Prometheus metrics', hide: false } }, async (_req, reply) => {
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });

  app.get('/api/openapi.json', { config: pub, schema: { tags: ['system'], summary: 'This OpenAPI document' } }, async () => app.swagger());
}
