import { Type, type Static } from 'typebox';
import { actorOf, principalOf } from '../auth/access.js';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { RequirementsSchema } from '../directory/directory.schemas.js';
import { problemResponses } from '../http/schemas.js';
import { catalogue } from './catalogue/catalogue.js';
import { CaseStatus } from './cases.rules.js';
import type { CaseStatus as CaseStatusT } from './cases.rules.js';
import { ActionInputSchema, NodeIdSchema, RequestContentSchema, UuidSchema, type ActionInput, type RequestContent } from './cases.schemas.js';
import { BULK_LIMIT, actOnCases, openCases } from './cases.bulk.js';
import { actOnCase, approveDraft, createDraft, deleteDraft, getCase, getDraft, listCases, listDrafts, requestedSideOf, sendDraft, submitForReview, updateDraft } from './cases.service.js';
import { registerCaseMetrics } from './cases.metrics.js';
import { caseStatistics, statisticsCsv } from './cases.stats.js';
import { requireCaseAccess, requireDraftAccess } from './team.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.Object({ id: UuidSchema }, { additionalProperties: false });
const StatusSchema = Type.Unsafe<CaseStatusT>(Type.String({ enum: Object.values(CaseStatus) }));
const PartySchema = Type.Union([Type.Literal('requesting'), Type.Literal('requested')]);

const SummaryFields = {
  case_id: Type.String(),
  direction: Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')]),
  peer: Type.String(),
  type: Type.String(),
  priority: Type.String(),
  status: StatusSchema,
  subject: Type.String(),
  reference: Nullable(Type.String()),
  offences: Type.String({ description: 'offence ids, space-separated' }),
  opened_at: Type.String(),
  updated_at: Type.String(),
  ack_due: Nullable(Type.String()),
  acknowledged_at: Nullable(Type.String()),
  executed_at: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
  preservation_until: Nullable(Type.String()),
  target_date: Nullable(Type.String()),
  next_due: Nullable(Type.String()),
  events: Type.Integer(),
  ignored_events: Type.Integer({ description: 'events the fold did not count (out of role, too late)' }),
  overdue: Type.Boolean(),
};
const CaseListSchema = Type.Object({ cases: Type.Array(Type.Object(SummaryFields)), next: Nullable(Type.String({ description: 'pass as `after` for the next page' })) });

const ProblemSchema = Type.Object({ pointer: Type.String(), code: Type.String(), detail: Type.String() });
const DraftSchema = Type.Object({
  id: Type.String(),
  requested: Type.String(),
  content: RequestContentSchema,
  status: Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('approved'), Type.Literal('sent')]),
  created_by: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  review_requested_by: Nullable(Type.String()),
  approved_by: Nullable(Type.String()),
  case_id: Nullable(Type.String()),
  problems: Type.Array(ProblemSchema, { description: 'what stops it from being sent, each with the field at fault' }),
});
const DraftBody = Type.Object({ requested: NodeIdSchema, content: RequestContentSchema }, { additionalProperties: false });

const OpenManyBody = Type.Object({ requests: Type.Array(DraftBody, { minItems: 1, maxItems: BULK_LIMIT }) }, { additionalProperties: false });
const OpenedSchema = Type.Object({
  cases: Type.Array(Type.Object({ id: Type.String(), draft_id: Type.String(), event_id: Type.String(), requested: Type.String(), status: Type.String(), verification_code: Type.String() })),
});
const ActManyBody = Type.Object(
  { actions: Type.Array(Type.Union(ActionInputSchema.anyOf.map((s) => Type.Object({ case_id: UuidSchema, ...s.properties }, { additionalProperties: false }))), { minItems: 1, maxItems: BULK_LIMIT }) },
  { additionalProperties: false },
);
const ActedSchema = Type.Object({ events: Type.Array(Type.Object({ case_id: Type.String(), event_id: Type.String(), action: Type.String(), status: Type.String() })) });

const HistorySchema = Type.Object({
  event_id: Type.String(),
  action: Type.String(),
  author: Type.String(),
  party: Nullable(PartySchema),
  created_at: Type.String(),
  received_at: Type.String(),
  counted: Type.Boolean(),
  ignored_because: Nullable(Type.String()),
  body: Type.Unknown({ description: 'the signed event body' }),
  delivery: Nullable(Type.Object({ state: Type.String(), delivered_at: Nullable(Type.String()), reject_reason: Nullable(Type.String()), receipt: Type.Unknown({ description: "the peer's signed receipt of the batch that carried the event" }) }, { description: "this node's own events: delivery to the other party" })),
  signature: Type.Object({ suite: Type.String(), key: Type.String(), value: Type.String() }),
  envelope: Type.Unknown({ description: 'the signed envelope, verifiable with the author key' }),
});
const CaseDetailSchema = Type.Object({
  id: Type.String(),
  status: StatusSchema,
  my_party: PartySchema,
  peer: Type.String(),
  requesting: Type.String(),
  requested: Type.String(),
  request: RequestContentSchema,
  opened_at: Type.String(),
  ack_hours: Nullable(Type.Integer({ description: 'hours to acknowledge set by the agreements in force when the case was opened; null: the default for its priority' })),
  updated_at: Nullable(Type.String()),
  acknowledged_at: Nullable(Type.String()),
  accepted_at: Nullable(Type.String()),
  executed_at: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
  executions: Type.Array(Type.Object({ extent: Type.String(), text: Type.String(), at: Type.String() })),
  information_requested: Nullable(Type.String()),
  postponement: Nullable(Type.Object({ reasons: Type.String(), until: Nullable(Type.String()) })),
  conditions: Nullable(Type.Object({ text: Type.String(), status: Type.String() })),
  refusal: Nullable(Type.Object({ grounds: Type.Array(Type.String()), reasons: Type.String() })),
  handed_over_to: Nullable(Type.String()),
  withdrawal: Nullable(Type.String()),
  preservation_until: Nullable(Type.String()),
  extension_requested: Nullable(Type.Integer()),
  deadlines: Type.Object({
    ack_due: Nullable(Type.String()),
    target_date: Nullable(Type.String()),
    preservation_until: Nullable(Type.String()),
    next_due: Nullable(Type.String()),
    overdue: Type.Boolean(),
    preservation_expiring: Type.Boolean(),
  }),
  available_actions: Type.Array(Type.String()),
  history: Type.Array(HistorySchema),
  equivocations: Type.Array(Type.Object({ author: Type.String(), event_id: Type.String(), digest: Type.String(), received_at: Type.String() })),
  verification_code: Nullable(Type.String()),
});

const RequestedSideSchema = Type.Object({
  agreements: Type.Array(Type.String(), { description: 'agreements of the active groups both nodes belong to' }),
  requirements: Nullable(RequirementsSchema),
  requestTypes: Type.Optional(Type.Array(Type.String(), { description: 'request types the requirements profile accepts (`*`: any); absent when it says nothing' })),
  languages: Type.Optional(Type.Array(Type.String(), { description: 'languages the peer accepts: those of its profile that the agreements accept, or whichever of the two names some' })),
  bases: Type.Optional(
    Type.Array(
      Type.Object({
        type: Type.String(),
        instrument: Type.String(),
        article: Type.Optional(Type.Integer()),
        languages: Type.Array(Type.String(), { description: 'languages of the agreements that allow it (`*`: any; empty: they name none)' }),
        agreements: Type.Array(Type.String(), { description: 'titles of the agreements that allow it' }),
      }),
      { description: 'each request type and legal basis an agreement in force between the two nodes allows; absent when they share no agreement (everything is allowed)' },
    ),
  ),
  extraFields: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'request type (or `*`) → extra field ids the peer requires' })),
});

const ListQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal('outgoing'), Type.Literal('incoming')])),
    type: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 100 })),
    peer: Type.Optional(NodeIdSchema),
    status: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 400, description: 'comma-separated statuses' })),
    priority: Type.Optional(Type.Union([Type.Literal('routine'), Type.Literal('urgent'), Type.Literal('emergency')])),
    offence: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 100 })),
    overdue: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    sort: Type.Optional(Type.Union([Type.Literal('updated'), Type.Literal('opened'), Type.Literal('due')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    after: Type.Optional(Type.String({ maxLength: 500, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
type ListQuery = Static<typeof ListQuery>;

const StatsSchema = Type.Object({
  rows: Type.Array(
    Type.Object({
      peer: Type.String(),
      type: Type.String(),
      direction: Type.String(),
      cases: Type.Integer(),
      acknowledged: Type.Integer(),
      median_hours_to_acknowledge: Nullable(Type.Number()),
      executed: Type.Integer(),
      median_days_to_execute: Nullable(Type.Number()),
      refused: Type.Integer(),
      refusal_grounds: Type.Record(Type.String(), Type.Integer()),
      open: Type.Integer(),
      overdue: Type.Integer(),
    }),
  ),
});

/** Cases: read by every role; drafted and worked by admins, coordinators and officers; approved (four-eyes) by admins and coordinators. */
export function registerCaseRoutes(app: TypedApp, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'cases:read' as const } };
  const write = { access: { permission: 'cases:write' as const } };
  const approve = { access: { permission: 'cases:approve' as const } };
  const tags = ['cases'];
  registerCaseMetrics(app.metricsRegistry, ctx);

  app.get('/api/v1/cases/catalogue', { config: read, schema: { tags, summary: 'The legal catalogue: instruments, offences and request types with their fields, deadlines and sources', response: { 200: Type.Unknown(), ...problemResponses } } }, () => ({
    instruments: catalogue.instruments,
    offences: catalogue.offences,
    request_types: catalogue.requestTypes,
  }));

  app.get(
    '/api/v1/cases',
    { config: read, schema: { tags, summary: 'Cases this node sent or received, filtered and sorted, one page at a time', querystring: ListQuery, response: { 200: CaseListSchema, ...problemResponses } } },
    (req) => {
      const q = req.query as ListQuery;
      return listCases(ctx, {
        ...(q.direction ? { direction: q.direction } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.peer ? { peer: q.peer } : {}),
        ...(q.status ? { status: q.status.split(',') as CaseStatusT[] } : {}),
        ...(q.priority ? { priority: q.priority } : {}),
        ...(q.offence ? { offence: q.offence } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.q?.trim() ? { q: q.q } : {}),
        ...(q.after ? { after: q.after } : {}),
        sort: q.sort ?? 'updated',
        limit: q.limit ?? 50,
        reader: principalOf(req).user,
      });
    },
  );

  app.get('/api/v1/cases/statistics', { config: read, schema: { tags, summary: 'Per peer, type and direction: time to acknowledge and execute, refusals and why', response: { 200: StatsSchema, ...problemResponses } } }, async () => ({ rows: await caseStatistics(ctx) }));

  app.get('/api/v1/cases/statistics.csv', { config: read, schema: { tags, summary: 'The statistics as CSV', response: { 200: Type.String(), ...problemResponses } } }, async (_req, reply) =>
    reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="case-statistics.csv"').send(statisticsCsv(await caseStatistics(ctx))),
  );

  app.get('/api/v1/cases/drafts', { config: read, schema: { tags, summary: 'Requests being written on this node (never sent until `send`)', response: { 200: Type.Array(DraftSchema), ...problemResponses } } }, () => listDrafts(ctx));

  app.post('/api/v1/cases/drafts', { config: write, schema: { tags, summary: 'Start a request: saved here, checked against its type, sent only on `send`', body: DraftBody, response: { 201: DraftSchema, ...problemResponses } } }, async (req, reply) => {
    const b = req.body as { requested: string; content: RequestContent };
    return reply.status(201).send(await createDraft(ctx, actorOf(req), b.requested, b.content));
  });

  app.get('/api/v1/cases/drafts/:id', { config: read, schema: { tags, summary: 'A draft and what stops it from being sent', params: Id, response: { 200: DraftSchema, ...problemResponses } } }, async (req) => {
    const id = (req.params as { id: string }).id;
    await requireDraftAccess(ctx, principalOf(req).user, id);
    return getDraft(ctx, id);
  });

  app.put('/api/v1/cases/drafts/:id', { config: write, schema: { tags, summary: 'Replace a draft (an approval is withdrawn: it was for the old text)', params: Id, body: DraftBody, response: { 200: DraftSchema, ...problemResponses } } }, async (req) => {
    await requireDraftAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    const b = req.body as { requested: string; content: RequestContent };
    return updateDraft(ctx, actorOf(req), (req.params as { id: string }).id, b.requested, b.content);
  });

  app.delete('/api/v1/cases/drafts/:id', { config: write, schema: { tags, summary: 'Discard a draft', params: Id, response: { 204: Type.Null(), ...problemResponses } } }, async (req, reply) => {
    await requireDraftAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    await deleteDraft(ctx, actorOf(req), (req.params as { id: string }).id);
    return reply.status(204).send(null);
  });

  app.post('/api/v1/cases/drafts/:id/review', { config: write, schema: { tags, summary: 'Ask a second user to approve the draft (four-eyes)', params: Id, response: { 200: DraftSchema, ...problemResponses } } }, async (req) => {
    await requireDraftAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    return submitForReview(ctx, actorOf(req), (req.params as { id: string }).id);
  });

  app.post('/api/v1/cases/drafts/:id/approve', { config: approve, schema: { tags, summary: 'Approve a draft another user wrote (four-eyes)', params: Id, response: { 200: DraftSchema, ...problemResponses } } }, async (req) => {
    await requireDraftAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    return approveDraft(ctx, actorOf(req), (req.params as { id: string }).id);
  });

  app.post('/api/v1/cases/drafts/:id/send', { config: write, schema: { tags, summary: 'Send the request: the case opens on both nodes', params: Id, response: { 201: CaseDetailSchema, ...problemResponses } } }, async (req, reply) => {
    await requireDraftAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    const c = await sendDraft(ctx, actorOf(req), (req.params as { id: string }).id);
    onQueued();
    return reply.status(201).send(c);
  });

  app.post('/api/v1/cases', { config: write, schema: { tags, summary: `Send up to ${BULK_LIMIT} requests at once, without drafts (for systems that feed this node; not with four-eyes on): each checked as a draft's sending is, all or none sent`, body: OpenManyBody, response: { 201: OpenedSchema, ...problemResponses } } }, async (req, reply) => {
    const cases = await openCases(ctx, actorOf(req), (req.body as { requests: { requested: string; content: RequestContent }[] }).requests);
    onQueued();
    return reply.status(201).send({ cases });
  });

  app.post('/api/v1/cases/actions', { config: write, schema: { tags, summary: `Take up to ${BULK_LIMIT} actions on cases at once, in order: each checked and signed as one at a time is, all or none sent; answers with the events signed`, body: ActManyBody, response: { 200: ActedSchema, ...problemResponses } } }, async (req) => {
    const actions = (req.body as { actions: (ActionInput & { case_id: string })[] }).actions;
    // The team rule, as for one action: a case outside the caller's team does not exist to them.
    for (const id of new Set(actions.map((a) => a.case_id))) await requireCaseAccess(ctx, principalOf(req).user, id);
    const events = await actOnCases(ctx, actorOf(req), actions);
    onQueued();
    return { events };
  });

  app.get('/api/v1/cases/requested-side/:node', { config: read, schema: { tags, summary: 'What a peer accepts: request types, legal bases and languages from the agreements shared with it and its requirements profile', params: Type.Object({ node: NodeIdSchema }, { additionalProperties: false }), response: { 200: RequestedSideSchema, ...problemResponses } } }, (req) =>
    requestedSideOf(ctx, (req.params as { node: string }).node),
  );

  app.get('/api/v1/cases/:id', { config: read, schema: { tags, summary: 'A case: its state, deadlines, the actions open to this node and the signed history (reading it is audited)', params: Id, response: { 200: CaseDetailSchema, ...problemResponses } } }, async (req) => {
    // The team rule (team.rules.ts): to an officer or analyst outside the case's team, the case does not exist.
    await requireCaseAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    return getCase(ctx, actorOf(req), (req.params as { id: string }).id);
  });

  app.post('/api/v1/cases/:id/actions', { config: write, schema: { tags, summary: 'Take an action (acknowledge, execute, refuse with grounds, withdraw, a message, …): signed and sent to the other party', params: Id, body: ActionInputSchema, response: { 200: CaseDetailSchema, ...problemResponses } } }, async (req) => {
    await requireCaseAccess(ctx, principalOf(req).user, (req.params as { id: string }).id);
    const c = await actOnCase(ctx, actorOf(req), (req.params as { id: string }).id, req.body as ActionInput);
    onQueued();
    return c;
  });
}
