import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/access.js';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { problemResponses } from '../http/schemas.js';
import { UuidSchema } from './cases.schemas.js';
import { CaseAccessReason } from './team.rules.js';
import { assignToCase, getCaseTeam, setCaseTeam, TEAM_MAX, teamCandidates, unassignFromCase } from './team.service.js';

const tags = ['cases'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('coordinator'), Type.Literal('officer'), Type.Literal('analyst'), Type.Literal('auditor')]);
const Id = Type.Object({ id: UuidSchema }, { additionalProperties: false });
const MemberParams = Type.Object({ id: UuidSchema, userId: UuidSchema }, { additionalProperties: false });

const CaseTeamSchema = Type.Object({
  case_id: Type.String(),
  restricted: Type.Boolean({ description: "true once the case has a team: of officers and analysts, only its members and the request's authors reach the case and its evidence (administrators and coordinators reach every case; auditors read every case)" }),
  members: Type.Array(
    Type.Object({
      user_id: Type.String(),
      display_name: Type.String(),
      role: RoleSchema,
      disabled: Type.Boolean(),
      assigned_by: Type.String({ description: 'actor ref (`user:…`, `cli`)' }),
      assigned_by_name: Nullable(Type.String()),
      assigned_at: Type.String(),
    }),
  ),
  authors: Type.Array(Type.Object({ user_id: Type.String(), display_name: Type.String() }), { description: 'who drafted the request on this node; they keep access whatever the team' }),
  access: Type.Object(
    {
      case: Type.Boolean({ description: 'the case itself: always true here, since a reader outside the team gets 404' }),
      attachments: Type.Boolean({ description: 'attachment detail and uploads' }),
      content: Type.Boolean({ description: 'the files: download, a bundle with content' }),
      reason: Type.String({ enum: Object.values(CaseAccessReason) }),
    },
    { description: 'what the reader may reach of the case and its evidence' },
  ),
});
const CandidatesSchema = Type.Array(Type.Object({ user_id: Type.String(), display_name: Type.String(), role: RoleSchema }));

/**
 * A case's team on this node: read by every role that reaches the case; assigned by
 * administrators and coordinators (`cases:assign`). Local: teams never leave the node.
 */
export function registerCaseTeamRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'cases:read' as const } };
  const assign = { access: { permission: 'cases:assign' as const } };

  app.get('/api/v1/cases/:id/team', { config: read, schema: { tags, summary: "The case's team on this node and what the reader may reach (404 to an officer or analyst outside it)", params: Id, response: { 200: CaseTeamSchema, ...problemResponses } } }, (req) =>
    getCaseTeam(ctx, principalOf(req).user, req.params.id),
  );

  app.get('/api/v1/cases/:id/team/candidates', { config: assign, schema: { tags, summary: 'Users who may join the team: enabled, any role but auditor, not on it yet', params: Id, response: { 200: CandidatesSchema, ...problemResponses } } }, (req) =>
    teamCandidates(ctx, req.params.id),
  );

  app.post(
    '/api/v1/cases/:id/team',
    { config: assign, schema: { tags, summary: 'Assign a user to the case (audited); 409 when on the team already', params: Id, body: Type.Object({ user_id: UuidSchema }, { additionalProperties: false }), response: { 201: CaseTeamSchema, ...problemResponses } } },
    async (req, reply) => {
      await assignToCase(ctx, actorOf(req), req.params.id, req.body.user_id);
      return reply.status(201).send(await getCaseTeam(ctx, principalOf(req).user, req.params.id));
    },
  );

  app.put(
    '/api/v1/cases/:id/team',
    {
      config: assign,
      schema: { tags, summary: 'Make the team exactly these users (audited); an empty list opens the case to every officer and analyst again', params: Id, body: Type.Object({ user_ids: Type.Array(UuidSchema, { maxItems: TEAM_MAX }) }, { additionalProperties: false }), response: { 200: CaseTeamSchema, ...problemResponses } },
    },
    async (req) => {
      await setCaseTeam(ctx, actorOf(req), req.params.id, req.body.user_ids);
      return getCaseTeam(ctx, principalOf(req).user, req.params.id);
    },
  );

  app.delete('/api/v1/cases/:id/team/:userId', { config: assign, schema: { tags, summary: 'Take a user off the case (audited)', params: MemberParams, response: { 204: Type.Null(), ...problemResponses } } }, async (req, reply) => {
    await unassignFromCase(ctx, actorOf(req), req.params.id, req.params.userId);
    return reply.status(204).send(null);
  });
}
