import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { actorOf } from '../auth/access.js';
import type { NodeContext } from '../context.js';
import { HistoryEntrySchema, SignedHistoryEntrySchema } from '../federation/event-log/event-log.schemas.js';
import { problemResponses } from '../http/schemas.js';
import { Digest, Reason, StatementKind, StatementTitle, StatementUuid, Texts } from './statements.schemas.js';
import { AgreementSchema } from '../groups/agreements.js';
import { adoptStatement, amendStatement, answerAmendment, createStatement, getStatement, getStatementDocument, getStatementHistory, HISTORY_PAGE, HISTORY_PAGE_MAX, DETAIL_HISTORY, listStatements, putAgreementInForce, signStatement, verifyStoredDocument, type AgreementTerms } from './statements.service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Params = Type.Object({ id: StatementUuid }, { additionalProperties: false });
const AmendmentParams = Type.Object({ id: StatementUuid, aid: StatementUuid }, { additionalProperties: false });
const StringMap = Type.Record(Type.String(), Type.String());

const SignatureSchema = Type.Object({ node: Type.String(), suite: Type.String(), public_key: Type.String({ description: 'raw Ed25519 public key, base64url' }), key: Type.String({ description: 'SHA-256 fingerprint of the key' }), value: Type.String(), signed_at: Type.String() });
const AmendmentSchema = Type.Object({
  id: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  base_digest: Type.String(),
  texts: StringMap,
  status: Type.String({ description: 'open, accepted (applied), refused or stale (it amends a version that is no longer current)' }),
  accepts: Type.Array(Type.String()),
  refusals: Type.Array(Type.Object({ node: Type.String(), reason: Type.String() })),
  decided_at: Nullable(Type.String()),
  result_digest: Nullable(Type.String()),
});
const SummaryFields = {
  id: Type.String(),
  group_id: Type.String(),
  group_name: Nullable(Type.String()),
  kind: Type.String({ description: 'joint_statement or agreement' }),
  title: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  digest: Type.String({ description: 'the current version: SHA-256 of the signable document' }),
  status: Type.String({ description: 'drafting or adopted' }),
  needed: Type.Integer({ description: "members the group's charter quorum needs" }),
  parties: Type.Array(Type.String()),
  my_role: Type.String({ description: 'member (may write) or former (read only)' }),
};
const HistoryPageSchema = Type.Object({
  total: Type.Integer({ description: 'how many events the signed history holds' }),
  entries: Type.Array(SignedHistoryEntrySchema),
  next: Nullable(Type.String({ description: 'pass as `after` for the next page' })),
});
const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_PAGE_MAX, description: `events per page (${HISTORY_PAGE} by default)` })),
    after: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$', description: 'the `next` of the page before' })),
  },
  { additionalProperties: false },
);
const DetailSchema = Type.Object({
  ...SummaryFields,
  texts: StringMap,
  versions: Type.Array(Type.Object({ digest: Type.String(), at: Type.String(), amendment_id: Nullable(Type.String()) })),
  amendments: Type.Array(AmendmentSchema),
  adoption_proposals: Type.Array(Type.Object({ id: Type.String(), author: Type.String(), created_at: Type.String(), digest: Type.String() })),
  consents: Type.Record(Type.String(), Type.Array(Type.String())),
  adopted_digest: Nullable(Type.String()),
  adopted_at: Nullable(Type.String()),
  signatures: Type.Array(Type.Object({ node: Type.String(), event_id: Type.String(), signed_at: Type.String(), suite: Type.String(), public_key: Type.String(), key: Type.String(), value: Type.String() })),
  members: Type.Array(Type.String()),
  i_consented: Type.Boolean(),
  i_must_sign: Type.Boolean(),
  in_force: Nullable(
    Type.Object(
      {
        proposal_id: Type.String(),
        proposed_by: Type.String(),
        proposed_at: Type.String(),
        status: Type.String({ description: 'open (collecting consents), adopted (in force, or replaced since), refused or void' }),
        consents: Type.Array(Type.String()),
        needed: Type.Integer(),
        since: Nullable(Type.String()),
        until: Nullable(Type.String()),
        agreement: AgreementSchema,
      },
      { description: "the group's latest proposal to put this agreement's terms in force" },
    ),
  ),
  history: Type.Array(HistoryEntrySchema, { description: `the latest ${DETAIL_HISTORY} events of the signed history, oldest first, without their envelopes (GET …/history pages them all with their envelopes)` }),
  history_total: Type.Integer({ description: 'how many events the signed history holds' }),
});
const SummarySchema = Type.Object({ ...SummaryFields, languages: Type.Array(Type.String()), open_amendments: Type.Integer(), signed_by: Type.Array(Type.String()) });
const DocumentSchema = Type.Object({
  format: Type.String(),
  document: Type.Object({ format: Type.String(), statement_id: Type.String(), group_id: Type.String(), kind: Type.String(), title: Type.String(), texts: StringMap }, { description: 'what every party signs (RFC 8785): one SHA-256 per language text' }),
  digest: Type.String(),
  texts: StringMap,
  adopted_at: Type.String(),
  parties: Type.Array(Type.String()),
  signatures: Type.Array(SignatureSchema),
});
const VerifySchema = Type.Object({
  valid: Type.Boolean({ description: 'every text, the digest and every signature present check out' }),
  complete: Type.Boolean({ description: 'valid, and every party signed' }),
  languages: Type.Array(Type.String()),
  signed_by: Type.Array(Type.String()),
  problems: Type.Array(Type.Object({ part: Type.String(), problem: Type.String(), detail: Type.String() })),
});

const NewBody = Type.Object({ group_id: StatementUuid, kind: StatementKind, title: StatementTitle, texts: Texts }, { additionalProperties: false });
const AmendBody = Type.Object({ base_digest: Digest, texts: Texts }, { additionalProperties: false });
const AnswerBody = Type.Object({ answer: Type.Union([Type.Literal('accept'), Type.Literal('refuse')]), reason: Type.Optional(Reason) }, { additionalProperties: false });
const AdoptBody = Type.Object({ digest: Digest }, { additionalProperties: false });
/** The agreement's terms: title and instrument come from the adopted statement itself. */
const TermsBody = Type.Omit(AgreementSchema, ['title', 'instrument'], { additionalProperties: false });

/** Joint statements and agreements: read by every role, drafted, adopted and signed by those who coordinate. */
export function registerStatementRoutes(app: FastifyInstance, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'statements:read' as const } };
  const write = { access: { permission: 'statements:write' as const } };
  const sign = { access: { permission: 'statements:sign' as const } };
  const tags = ['statements'];
  const p = (req: { params: unknown }) => req.params as { id: string; aid: string };

  app.get(
    '/api/v1/statements',
    { config: read, schema: { tags, summary: 'Joint statements and agreements of the groups this node belongs to or left', querystring: Type.Object({ group: Type.Optional(StatementUuid) }, { additionalProperties: false }), response: { 200: Type.Array(SummarySchema), ...problemResponses } } },
    (req) => listStatements(ctx, req.query as { group?: string }),
  );

  app.post(
    '/api/v1/statements',
    { config: write, schema: { tags, summary: 'Draft a joint statement or agreement of a group, one text per language; it goes to every member', body: NewBody, response: { 201: DetailSchema, ...problemResponses } } },
    async (req, reply) => {
      const s = await createStatement(ctx, actorOf(req), req.body as Static<typeof NewBody>);
      onQueued();
      return reply.status(201).send(s);
    },
  );

  app.get('/api/v1/statements/:id', { config: read, schema: { tags, summary: 'A statement: its texts, versions, amendments, adoption, signatures and the latest events of its signed history', params: Params, response: { 200: DetailSchema, ...problemResponses } } }, (req) => getStatement(ctx, p(req).id));

  app.get(
    '/api/v1/statements/:id/history',
    { config: read, schema: { tags, summary: 'The signed history, oldest first and paged: each event with the envelope its author signed and whether it counts', params: Params, querystring: HistoryQuery, response: { 200: HistoryPageSchema, ...problemResponses } } },
    (req) => getStatementHistory(ctx, p(req).id, req.query as Static<typeof HistoryQuery>),
  );

  app.post(
    '/api/v1/statements/:id/amendments',
    { config: write, schema: { tags, summary: 'Propose new texts for language versions of the current version (named by its digest)', params: Params, body: AmendBody, response: { 201: Type.Object({ ...DetailSchema.properties, amendment_id: Type.String() }), ...problemResponses } } },
    async (req, reply) => {
      const s = await amendStatement(ctx, actorOf(req), p(req).id, req.body as Static<typeof AmendBody>);
      onQueued();
      return reply.status(201).send(s);
    },
  );

  app.post(
    '/api/v1/statements/:id/amendments/:aid/answer',
    { config: write, schema: { tags, summary: "Accept or refuse an amendment; it is applied when the charter's quorum accepted it", params: AmendmentParams, body: AnswerBody, response: { 200: DetailSchema, ...problemResponses } } },
    async (req) => {
      const s = await answerAmendment(ctx, actorOf(req), p(req).id, p(req).aid, req.body as Static<typeof AnswerBody>);
      onQueued();
      return s;
    },
  );

  app.post(
    '/api/v1/statements/:id/adoption',
    { config: write, schema: { tags, summary: "Propose adopting the current version, or consent to its proposed adoption; adopted when the charter's quorum consented", params: Params, body: AdoptBody, response: { 200: DetailSchema, ...problemResponses } } },
    async (req) => {
      const s = await adoptStatement(ctx, actorOf(req), p(req).id, req.body as Static<typeof AdoptBody>);
      onQueued();
      return s;
    },
  );

  app.post(
    '/api/v1/statements/:id/signature',
    { config: sign, schema: { tags, summary: "Sign the adopted document with this node's key (Ed25519); the signature goes to every member", params: Params, response: { 200: DetailSchema, ...problemResponses } } },
    async (req) => {
      const s = await signStatement(ctx, actorOf(req), p(req).id);
      onQueued();
      return s;
    },
  );

  app.post(
    '/api/v1/statements/:id/in-force',
    {
      config: sign,
      schema: {
        tags,
        summary: "Propose to the group that an adopted, co-signed agreement's terms become its agreement (in force once the charter's quorum consents)",
        params: Params,
        body: TermsBody,
        response: { 200: DetailSchema, ...problemResponses },
      },
    },
    async (req) => {
      const s = await putAgreementInForce(ctx, actorOf(req), p(req).id, req.body as AgreementTerms);
      onQueued();
      return s;
    },
  );

  app.get(
    '/api/v1/statements/:id/document',
    { config: read, schema: { tags, summary: 'The co-signed document of an adopted statement: texts, one hash per language, every signature with its node and key', params: Params, response: { 200: DocumentSchema, ...problemResponses } } },
    async (req, reply) => reply.header('content-disposition', `attachment; filename="statement-${p(req).id}.json"`).send(await getStatementDocument(ctx, p(req).id)),
  );

  app.get(
    '/api/v1/statements/:id/verify',
    { config: read, schema: { tags, summary: 'The co-signed document checked as anyone checks it offline: every hash and signature, naming what is altered or missing', params: Params, response: { 200: VerifySchema, ...problemResponses } } },
    (req) => verifyStoredDocument(ctx, p(req).id),
  );
}
