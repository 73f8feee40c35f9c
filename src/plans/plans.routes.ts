import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../auth/access.js';
import type { NodeContext } from '../context.js';
import { SignedHistoryEntrySchema } from '../federation/event-log/event-log.schemas.js';
import { problemResponses } from '../http/schemas.js';
import { planReportHtml, planReportPdf, type ExportLang } from './plans.export.js';
import { INSTRUMENTS, hasUnconfirmed } from './plans.instruments.js';
import { InstrumentId, ItemTitle, LongText, Note, PlanDate, PlanNodeId, PlanTitle, PlanUuid, StatusSchema } from './plans.schemas.js';
import { addItem, answerProposal, changeItem, createPlan, getPlan, listPlans, publishStatus } from './plans.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const PlanParams = Type.Object({ id: PlanUuid }, { additionalProperties: false });
const ItemParams = Type.Object({ id: PlanUuid, item: PlanUuid }, { additionalProperties: false });
const ProposalParams = Type.Object({ id: PlanUuid, pid: PlanUuid }, { additionalProperties: false });

const FactSchema = Type.Object({ fact: Type.String(), status: Type.String({ description: 'CONFIRMED, SECONDARY or UNCONFIRMED' }), source: Type.String() });
const InstrumentSchema = Type.Object({
  id: Type.String(),
  title: Type.Object({ en: Type.String(), ru: Type.String(), uz: Type.String() }),
  signed: Type.String(),
  place: Type.String(),
  facts: Type.Array(FactSchema),
  unconfirmed: Type.Boolean({ description: 'some facts about it are UNCONFIRMED: show them flagged' }),
});
const CountsSchema = Type.Object({ items: Type.Integer(), proposed: Type.Integer(), planned: Type.Integer(), in_progress: Type.Integer(), done: Type.Integer(), cancelled: Type.Integer(), overdue: Type.Integer() });
const SummaryFields = {
  id: Type.String(),
  group_id: Type.String(),
  group_name: Nullable(Type.String()),
  title: Type.String(),
  instrument: Nullable(InstrumentSchema),
  instrument_id: Nullable(Type.String()),
  reference: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  my_role: Type.String({ description: 'member (may write) or former (this node left the group: read only)' }),
  counts: CountsSchema,
};
const ChangeStateSchema = Type.Object({ id: Type.String(), author: Type.String(), created_at: Type.String(), title: Type.Optional(Type.String()), deadline: Type.Optional(Type.String()), status: Type.String(), answered_at: Nullable(Type.String()), note: Nullable(Type.String()) });
const ItemSchema = Type.Object({
  id: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  title: Type.String(),
  description: Type.String(),
  owner: Type.String(),
  deadline: Type.String(),
  acceptance: Type.String({ description: 'accepted (in effect), proposed (waiting for the owner) or declined' }),
  answered_at: Nullable(Type.String()),
  answer_note: Nullable(Type.String()),
  status: Type.String(),
  updates: Type.Array(Type.Object({ event_id: Type.String(), at: Type.String(), status: Type.String(), note: Type.String() })),
  changes: Type.Array(ChangeStateSchema),
  overdue: Type.Boolean(),
  days_overdue: Type.Integer(),
  owner_is_member: Type.Boolean(),
  awaiting_me: Type.Boolean(),
});
const DetailFields = { ...SummaryFields, members: Type.Array(Type.String()), items: Type.Array(ItemSchema), history: Type.Array(SignedHistoryEntrySchema) };
const PlanDetailSchema = Type.Object(DetailFields);

const NewPlanBody = Type.Object({ group_id: PlanUuid, title: PlanTitle, instrument: Type.Optional(Nullable(InstrumentId)), reference: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false });
const NewItemBody = Type.Object({ title: ItemTitle, description: Type.Optional(LongText), owner: PlanNodeId, deadline: PlanDate }, { additionalProperties: false });
const ChangeBody = Type.Object({ title: Type.Optional(ItemTitle), deadline: Type.Optional(PlanDate) }, { additionalProperties: false });
const AnswerBody = Type.Object({ answer: Type.Union([Type.Literal('accept'), Type.Literal('decline')]), note: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false });
const StatusBody = Type.Object({ status: StatusSchema, note: Note }, { additionalProperties: false });
const ExportQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('ru'), Type.Literal('uz')])) }, { additionalProperties: false });

function exportLang(q: { lang?: ExportLang }, acceptLanguage: string | undefined): ExportLang {
  if (q.lang) return q.lang;
  const first = /^\s*([a-z]{2})/i.exec(acceptLanguage ?? '')?.[1]?.toLowerCase();
  return first === 'ru' || first === 'uz' ? first : 'en';
}

/** A file name for the report: the plan id, never its (free) title. */
function disposition(reply: FastifyReply, id: string, ext: string): FastifyReply {
  return reply.header('content-disposition', `inline; filename="plan-${id}.${ext}"`);
}

/** Regional plans of interaction: read by every role, written by those who coordinate. */
export function registerPlanRoutes(app: FastifyInstance, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'plans:read' as const } };
  const write = { access: { permission: 'plans:write' as const } };
  const tags = ['plans'];
  const p = (req: { params: unknown }) => req.params as { id: string; item: string; pid: string };

  app.get(
    '/api/v1/plans',
    { config: read, schema: { tags, summary: 'Plans of the groups this node belongs to or left, with their counts of items by status and overdue', querystring: Type.Object({ group: Type.Optional(PlanUuid) }, { additionalProperties: false }), response: { 200: Type.Array(Type.Object(SummaryFields)), ...problemResponses } } },
    (req) => listPlans(ctx, req.query as { group?: string }),
  );

  app.get(
    '/api/v1/plans/instruments',
    { config: read, schema: { tags, summary: 'Agreements a plan may implement, each fact with its source and status', response: { 200: Type.Array(InstrumentSchema), ...problemResponses } } },
    () => INSTRUMENTS.map((i) => ({ ...i, unconfirmed: hasUnconfirmed(i) })),
  );

  app.post(
    '/api/v1/plans',
    { config: write, schema: { tags, summary: "Found a plan of a group this node belongs to; it goes to every member", body: NewPlanBody, response: { 201: PlanDetailSchema, ...problemResponses } } },
    async (req, reply) => {
      const plan = await createPlan(ctx, actorOf(req), req.body as Static<typeof NewPlanBody>);
      onQueued();
      return reply.status(201).send(plan);
    },
  );

  app.get('/api/v1/plans/:id', { config: read, schema: { tags, summary: 'A plan: items, owners, deadlines, status updates and the signed history', params: PlanParams, response: { 200: PlanDetailSchema, ...problemResponses } } }, (req) => getPlan(ctx, p(req).id));

  app.post(
    '/api/v1/plans/:id/items',
    {
      config: write,
      schema: { tags, summary: 'Add an item: in effect at once when this node owns it, else proposed to its owner', params: PlanParams, body: NewItemBody, response: { 201: Type.Object({ ...DetailFields, item_id: Type.String() }), ...problemResponses } },
    },
    async (req, reply) => {
      const plan = await addItem(ctx, actorOf(req), p(req).id, req.body as Static<typeof NewItemBody>);
      onQueued();
      return reply.status(201).send(plan);
    },
  );

  app.post(
    '/api/v1/plans/:id/items/:item/changes',
    {
      config: write,
      schema: { tags, summary: "Change an item's title or deadline: at once when this node owns it, else proposed to the owner", params: ItemParams, body: ChangeBody, response: { 201: Type.Object({ ...DetailFields, change_id: Type.String() }), ...problemResponses } },
    },
    async (req, reply) => {
      const plan = await changeItem(ctx, actorOf(req), p(req).id, p(req).item, req.body as Static<typeof ChangeBody>);
      onQueued();
      return reply.status(201).send(plan);
    },
  );

  app.post(
    '/api/v1/plans/:id/items/:item/status',
    { config: write, schema: { tags, summary: 'Publish a status update of an item this node owns, with a note', params: ItemParams, body: StatusBody, response: { 200: PlanDetailSchema, ...problemResponses } } },
    async (req) => {
      const plan = await publishStatus(ctx, actorOf(req), p(req).id, p(req).item, req.body as Static<typeof StatusBody>);
      onQueued();
      return plan;
    },
  );

  app.post(
    '/api/v1/plans/:id/proposals/:pid/answer',
    { config: write, schema: { tags, summary: 'Accept or decline an item or change proposed to this node as owner', params: ProposalParams, body: AnswerBody, response: { 200: PlanDetailSchema, ...problemResponses } } },
    async (req) => {
      const plan = await answerProposal(ctx, actorOf(req), p(req).id, p(req).pid, req.body as Static<typeof AnswerBody>);
      onQueued();
      return plan;
    },
  );

  app.get(
    '/api/v1/plans/:id/export.html',
    { config: read, schema: { tags, summary: 'The plan and its progress as a printable HTML report (?lang=en|ru|uz, else Accept-Language)', params: PlanParams, querystring: ExportQuery, response: { 200: Type.String(), ...problemResponses } } },
    async (req, reply) => {
      const plan = await getPlan(ctx, p(req).id);
      return disposition(reply, plan.id, 'html').type('text/html; charset=utf-8').send(planReportHtml(plan, exportLang(req.query as { lang?: ExportLang }, req.headers['accept-language'])));
    },
  );

  app.get(
    '/api/v1/plans/:id/export.pdf',
    { config: read, schema: { tags, summary: 'The same report as a PDF with its fonts embedded', params: PlanParams, querystring: ExportQuery, response: { 200: Type.String({ description: 'application/pdf' }), ...problemResponses } } },
    async (req, reply) => {
      const plan = await getPlan(ctx, p(req).id);
      return disposition(reply, plan.id, 'pdf').type('application/pdf').send(await planReportPdf(plan, exportLang(req.query as { lang?: ExportLang }, req.headers['accept-language'])));
    },
  );
}
