import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { AgreementSchema } from './agreements.js';
import { AgreementSourceSchema, ChangeSchema, CharterSchema, LevelSchema, NodeIdSchema, UuidSchema, type Change } from './groups.schemas.js';
import { answerProposal, createGroup, getGroup, listGroups, proposeChange, type NewGroup } from './groups.service.js';

const GroupParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });
const ProposalParams = Type.Object({ id: UuidSchema, pid: UuidSchema }, { additionalProperties: false });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const ProposalSchema = Type.Object({
  id: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  digest: Type.String({ description: 'SHA-256 of the RFC 8785 form of the signed proposal body; answers name it' }),
  change: ChangeSchema,
  status: Type.String(),
  voters: Type.Array(Type.String()),
  needed: Type.Integer(),
  invitee: Nullable(Type.String()),
  consents: Type.Array(Type.String()),
  refusals: Type.Array(Type.Object({ node: Type.String(), reason: Type.Optional(Type.String()) })),
  decided_at: Nullable(Type.String()),
  void_reason: Nullable(Type.String()),
  awaiting_me: Type.Boolean(),
});

const GroupFields = {
  id: Type.String(),
  status: Type.String(),
  name: Nullable(Type.String()),
  level: Nullable(Type.String()),
  charter: CharterSchema,
  agreement: Nullable(AgreementSchema),
  agreements: Type.Array(
    Type.Object({ agreement: AgreementSchema, since: Type.String(), until: Nullable(Type.String()), proposal_id: Type.String(), author: Type.String(), source: Nullable(AgreementSourceSchema) }),
    { description: 'the agreements in force over time, oldest first; the last is the current one' },
  ),
  founder: Nullable(Type.String()),
  members: Type.Array(Type.String()),
  my_role: Type.String(),
  proposals: Type.Array(ProposalSchema),
  membership: Type.Array(Type.Object({ at: Type.String(), node: Type.String(), change: Type.String(), proposal_id: Type.String() })),
};
const GroupSchema = Type.Object(GroupFields);
const HistoryEntrySchema = Type.Object({
  event_id: Type.String(),
  type: Type.String(),
  kind: Nullable(Type.String()),
  proposal_id: Nullable(Type.String()),
  author: Type.String(),
  created_at: Type.String(),
  received_at: Type.String(),
  counted: Type.Boolean(),
  signature: Type.Object({ suite: Type.String(), key: Type.String(), value: Type.String() }),
  envelope: Type.Unknown({ description: 'the signed envelope, verifiable with the author key' }),
});
const EquivocationSchema = Type.Object({
  author: Type.String(),
  event_id: Type.String(),
  digest: Type.String(),
  received_at: Type.String(),
  envelope: Type.Unknown({ description: 'the second body the author signed under this event id; the first is in the history' }),
});
const DetailFields = { ...GroupFields, history: Type.Array(HistoryEntrySchema), equivocations: Type.Array(EquivocationSchema) };
const GroupDetailSchema = Type.Object(DetailFields);

const NewGroupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    level: LevelSchema,
    charter: Type.Optional(CharterSchema),
    agreement: AgreementSchema,
    members: Type.Array(NodeIdSchema, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'the other nodes invited; this node is the founder' }),
  },
  { additionalProperties: false },
);
const ProposalBody = Type.Union(ChangeSchema.anyOf.filter((s) => s.properties.kind.const !== 'create'));
const RefuseBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

/** Groups and agreements: read by every role, changed by admins and coordinators. */
export function registerGroupRoutes(app: FastifyInstance, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'groups:read' as const } };
  const write = { access: { permission: 'groups:write' as const } };
  const params = (req: { params: unknown }) => req.params as { id: string; pid: string };

  app.get('/api/v1/groups', { config: read, schema: { tags: ['groups'], summary: 'Groups this node founded, belongs to, is invited to or left', response: { 200: Type.Array(GroupSchema), ...problemResponses } } }, () => listGroups(ctx));

  app.get(
    '/api/v1/groups/:id',
    { config: read, schema: { tags: ['groups'], summary: 'A group: members, agreement, proposals and the signed history', params: GroupParams, response: { 200: GroupDetailSchema, ...problemResponses } } },
    (req) => getGroup(ctx, params(req).id),
  );

  app.post(
    '/api/v1/groups',
    { config: write, schema: { tags: ['groups'], summary: 'Found a group: each invited node must consent before it is a member', body: NewGroupBody, response: { 201: GroupDetailSchema, ...problemResponses } } },
    async (req, reply) => {
      const g = await createGroup(ctx, actorOf(req), req.body as NewGroup);
      onQueued();
      return reply.status(201).send(g);
    },
  );

  app.post(
    '/api/v1/groups/:id/proposals',
    {
      config: write,
      schema: {
        tags: ['groups'],
        summary: 'Propose to add or remove a member or change the agreement or charter',
        params: GroupParams,
        body: ProposalBody,
        response: { 201: Type.Object({ ...DetailFields, proposal_id: Type.String() }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const g = await proposeChange(ctx, actorOf(req), params(req).id, req.body as Exclude<Change, { kind: 'create' }>);
      onQueued();
      return reply.status(201).send(g);
    },
  );

  app.post(
    '/api/v1/groups/:id/proposals/:pid/consent',
    { config: write, schema: { tags: ['groups'], summary: "Sign this node's consent to a proposal (again: no change)", params: ProposalParams, response: { 200: GroupDetailSchema, ...problemResponses } } },
    async (req) => {
      const g = await answerProposal(ctx, actorOf(req), params(req).id, params(req).pid, 'consent');
      onQueued();
      return g;
    },
  );

  app.post(
    '/api/v1/groups/:id/proposals/:pid/refuse',
    {
      config: write,
      // The body (grounds) is optional: no body means `{}`.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: { tags: ['groups'], summary: "Sign this node's refusal of a proposal", params: ProposalParams, body: RefuseBody, response: { 200: GroupDetailSchema, ...problemResponses } },
    },
    async (req) => {
      const g = await answerProposal(ctx, actorOf(req), params(req).id, params(req).pid, 'refusal', (req.body as { reason?: string } | undefined)?.reason);
      onQueued();
      return g;
    },
  );
}
