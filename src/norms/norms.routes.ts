import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf, principalOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { normsCatalogue, NormsCatalogueSchema } from './catalogue/norms-catalogue.js';
import { commentOnReport, listComments } from './norms.comments.service.js';
import { byNorm, diffVersions, getMatrix, getVersion, listReports, listVersions } from './norms.reports.service.js';
import {
  CommentInputSchema,
  CommentSchema,
  DiffSchema,
  DraftSchema,
  MatrixSchema,
  NormEntrySchema,
  NormIdSchema,
  PublishInputSchema,
  ReportContentSchema,
  ReportVersionSchema,
  ReviewInputSchema,
  StoredVersionSchema,
  VersionSummarySchema,
} from './norms.schemas.js';
import { createDraft, editDraft, getDraft, listDrafts, publishDraft, reviewDraft, submitDraft, type Author } from './norms.service.js';

const NodeId = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]*$' });
const DraftParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const NodeParams = Type.Object({ node: NodeId }, { additionalProperties: false });
const VersionParams = Type.Object({ node: NodeId, version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false });
const GroupQuery = Type.Object({ group: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });

function authorOf(req: FastifyRequest): Author {
  const { user } = principalOf(req);
  return { actor: actorOf(req), userId: user.id, name: user.display_name };
}

/** Catalogue, report drafts and their review, publication, comparison and comments. */
export function registerNormsRoutes(app: TypedApp, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'norms:read' as const } };
  const write = { access: { permission: 'norms:write' as const } };
  const tags = ['norms'];

  app.get('/api/v1/norms/catalogue', { config: read, schema: { tags, summary: 'The 11 norms (GGE letters with the A/RES/73/27 items) and the agreed confidence-building measures, with sources and flags', response: { 200: NormsCatalogueSchema, ...problemResponses } } }, () => normsCatalogue);

  app.get('/api/v1/norms/drafts', { config: read, schema: { tags, summary: "This node's report drafts, newest first", response: { 200: Type.Array(DraftSchema), ...problemResponses } } }, () => listDrafts(ctx));
  app.post('/api/v1/norms/drafts', { config: write, schema: { tags, summary: 'Start a draft of the national implementation report', body: ReportContentSchema, response: { 201: DraftSchema, ...problemResponses } } }, async (req, reply) =>
    reply.code(201).send(await createDraft(ctx, authorOf(req), req.body)),
  );
  app.get('/api/v1/norms/drafts/:id', { config: read, schema: { tags, summary: 'One draft', params: DraftParams, response: { 200: DraftSchema, ...problemResponses } } }, (req) => getDraft(ctx, req.params.id));
  app.put('/api/v1/norms/drafts/:id', { config: write, schema: { tags, summary: 'Edit a draft (while a draft or returned)', params: DraftParams, body: ReportContentSchema, response: { 200: DraftSchema, ...problemResponses } } }, (req) =>
    editDraft(ctx, authorOf(req), req.params.id, req.body),
  );
  app.post('/api/v1/norms/drafts/:id/submit', { config: write, schema: { tags, summary: 'Ask for review by a second user', params: DraftParams, response: { 200: DraftSchema, ...problemResponses } } }, (req) => submitDraft(ctx, authorOf(req), req.params.id));
  app.post('/api/v1/norms/drafts/:id/review', { config: write, schema: { tags, summary: 'Approve a draft in review (not its author or last editor) or return it with a note', params: DraftParams, body: ReviewInputSchema, response: { 200: DraftSchema, ...problemResponses } } }, (req) =>
    reviewDraft(ctx, authorOf(req), req.params.id, req.body.decision, req.body.note),
  );
  app.post(
    '/api/v1/norms/drafts/:id/publish',
    { config: write, schema: { tags, summary: 'Publish an approved draft as the next signed version to the members of the chosen groups', params: DraftParams, body: PublishInputSchema, response: { 200: Type.Object({ version: ReportVersionSchema, sent_to: Type.Array(Type.String()) }), ...problemResponses } } },
    async (req) => {
      const out = await publishDraft(ctx, authorOf(req), req.params.id, req.body.groups);
      onQueued();
      ctx.jobs.runSoon('norms.deliver');
      return out;
    },
  );

  app.get('/api/v1/norms/reports', { config: read, schema: { tags, summary: "The latest version of every state's report held here (or of a group's members)", querystring: GroupQuery, response: { 200: Type.Array(VersionSummarySchema), ...problemResponses } } }, (req) =>
    listReports(ctx, req.query.group),
  );
  app.get('/api/v1/norms/matrix', { config: read, schema: { tags, summary: 'States × norms: the status of each norm in the latest version of each report, with totals per norm', querystring: GroupQuery, response: { 200: MatrixSchema, ...problemResponses } } }, (req) =>
    getMatrix(ctx, req.query.group),
  );
  app.get(
    '/api/v1/norms/by-norm/:norm',
    {
      config: read,
      schema: {
        tags,
        summary: "One norm across states: each state's latest entry on it",
        params: Type.Object({ norm: NormIdSchema }, { additionalProperties: false }),
        querystring: GroupQuery,
        response: { 200: Type.Array(Type.Object({ node_id: Type.String(), country: Type.String(), version: Type.Integer(), published_at: Type.String(), entry: NormEntrySchema })), ...problemResponses },
      },
    },
    (req) => byNorm(ctx, req.params.norm, req.query.group),
  );
  app.get('/api/v1/norms/reports/:node/versions', { config: read, schema: { tags, summary: "One state's report over time: its versions, oldest first", params: NodeParams, response: { 200: Type.Array(VersionSummarySchema), ...problemResponses } } }, (req) =>
    listVersions(ctx, req.params.node),
  );
  app.get('/api/v1/norms/reports/:node/versions/:version', { config: read, schema: { tags, summary: 'One version of a report, with who signed it', params: VersionParams, response: { 200: StoredVersionSchema, ...problemResponses } } }, (req) =>
    getVersion(ctx, req.params.node, req.params.version),
  );
  app.get(
    '/api/v1/norms/reports/:node/diff',
    {
      config: read,
      schema: {
        tags,
        summary: 'What changed per norm between two versions of a report',
        params: NodeParams,
        querystring: Type.Object({ from: Type.Integer({ minimum: 1, maximum: 1_000_000 }), to: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false }),
        response: { 200: DiffSchema, ...problemResponses },
      },
    },
    (req) => diffVersions(ctx, req.params.node, req.query.from, req.query.to),
  );
  app.get('/api/v1/norms/reports/:node/versions/:version/comments', { config: read, schema: { tags, summary: 'Comments on a version of a report (sent by us, or received on our own)', params: VersionParams, response: { 200: Type.Array(CommentSchema), ...problemResponses } } }, (req) =>
    listComments(ctx, { reportNode: req.params.node, version: req.params.version }),
  );
  app.post(
    '/api/v1/norms/reports/:node/versions/:version/comments',
    { config: write, schema: { tags, summary: "Comment on another state's published report: sent, signed, to its author", params: VersionParams, body: CommentInputSchema, response: { 201: CommentSchema, ...problemResponses } } },
    async (req, reply) => {
      const out = await commentOnReport(ctx, authorOf(req), req.params.node, req.params.version, req.body);
      onQueued();
      return reply.code(201).send(out);
    },
  );
  app.get('/api/v1/norms/comments', { config: read, schema: { tags, summary: 'Every comment: received on our reports and sent on others', response: { 200: Type.Array(CommentSchema), ...problemResponses } } }, () => listComments(ctx, {}));
}
