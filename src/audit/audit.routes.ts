import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { problemResponses } from '../http/schemas.js';
import { listAudit } from './audit.repository.js';
import { verifyStoredAudit } from './audit.verify.js';

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  prev_hash: Type.String(),
  hash: Type.String(),
});

const AuditQuery = Type.Object(
  {
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export function registerAuditRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'audit:read' as const } };
  app.get(
    '/api/v1/audit',
    {
      config: read,
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first; page with ?before=<seq>',
        querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema), next_before: Type.Union([Type.Integer(), Type.Null()]) }), ...problemResponses },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const entries = await listAudit(ctx.store.db, { afterSeq: req.query.before, limit, newestFirst: true });
      return { entries, next_before: entries.length === limit ? entries[entries.length - 1]!.seq : null };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: read,
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain; names the first broken entry',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            lastSeq: Type.Integer(),
            firstBroken: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String(), detail: Type.String() })),
          }),
          ...problemResponses,
        },
      },
    },
    () => verifyStoredAudit(ctx.store.db),
  );
}
