import { Type } from 'typebox';
import { actorOf } from '../auth/access.js';
import type { RouteDeps, TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { problemResponses } from '../http/schemas.js';
import { listOwnCheckpoints, takeCheckpoint } from './audit.checkpoints.js';
import { listAudit } from './audit.repository.js';
import { verifyAudit } from './audit.verify.js';
import { answerWitnessRequest, listWitnessed } from './audit.witnesses.js';
import { CheckpointSchema, WitnessAnswerSchema, WitnessedSchema } from './checkpoints.schemas.js';

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

const Anchor = Type.Object({ seq: Type.Integer(), hash: Type.String(), at: Type.String(), source: Type.String() });
const VerdictSchema = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  lastSeq: Type.Integer(),
  firstBroken: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String(), detail: Type.String(), checkpoint: Type.Optional(Anchor) })),
  checkpoints: Type.Optional(Type.Object({ compared: Type.Integer(), lastAgreeingSeq: Type.Integer() })),
  badCheckpoints: Type.Optional(Type.Array(Type.Object({ seq: Type.Integer(), source: Type.String(), reason: Type.String() }))),
  witnesses: Type.Optional(
    Type.Array(
      Type.Object({
        peer: Type.String(),
        answered: Type.Boolean(),
        error: Type.Optional(Type.String()),
        checkpoints: Type.Integer(),
        newest_seq: Type.Union([Type.Integer(), Type.Null()]),
        equivocations: Type.Array(Type.Integer()),
      }),
    ),
  ),
});
const VerifyQuery = Type.Object({ witnesses: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const LimitQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
const WitnessedQuery = Type.Object(
  { node: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
const NodeParams = Type.Object({ node: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) }, { additionalProperties: false });

export function registerAuditRoutes(app: TypedApp, ctx: NodeContext, deps: Pick<RouteDeps, 'onQueued'>): void {
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
        summary: 'Verify the hash chain and the signed checkpoints (?witnesses=true also asks the peers); names the first entry that disagrees',
        querystring: VerifyQuery,
        response: { 200: VerdictSchema, ...problemResponses },
      },
    },
    (req) => verifyAudit(ctx, { witnesses: req.query.witnesses === true }),
  );

  app.get(
    '/api/v1/audit/checkpoints',
    {
      config: read,
      schema: { tags: ['audit'], summary: "This node's signed checkpoints of its audit chain, newest first", querystring: LimitQuery, response: { 200: Type.Array(CheckpointSchema), ...problemResponses } },
    },
    (req) => listOwnCheckpoints(ctx.store.db, req.query.limit ?? 100),
  );

  app.post(
    '/api/v1/audit/checkpoints',
    {
      config: { access: { permission: 'audit:checkpoint' as const } },
      schema: {
        tags: ['audit'],
        summary: "Sign the chain's head now and send the checkpoint to every active peer",
        response: { 201: Type.Object({ checkpoint: CheckpointSchema, sent_to: Type.Array(Type.String()) }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const r = await takeCheckpoint(ctx, actorOf(req));
      deps.onQueued();
      return reply.status(201).send(r);
    },
  );

  app.get(
    '/api/v1/audit/witnessed',
    {
      config: read,
      schema: {
        tags: ['audit'],
        summary: "Peers' checkpoints this node witnessed, newest first; a conflict is a peer that signed two different histories",
        querystring: WitnessedQuery,
        response: { 200: Type.Array(WitnessedSchema), ...problemResponses },
      },
    },
    (req) => listWitnessed(ctx, { node: req.query.node, limit: req.query.limit ?? 100 }),
  );

  app.get(
    '/federation/v1/audit-checkpoints/:node',
    {
      // Authenticated by the asking node's signature in the x-accord-* headers, not by a session.
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: 'The checkpoints this node witnessed of the asking peer, signed by this node',
        params: NodeParams,
        response: { 200: WitnessAnswerSchema, ...problemResponses },
      },
    },
    (req) => answerWitnessRequest(ctx, req.params.node, req.headers),
  );
}
