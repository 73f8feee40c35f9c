import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { problemResponses } from '../http/schemas.js';
import { labelLanguage, languageFromAcceptLanguage } from './directory.labels.js';
import { EntryInputSchema, EntrySchema } from './directory.schemas.js';
import { confirmOwnEntry, exportDirectory, getEntry, getOwnEntry, publishOwnEntry, searchDirectoryJson } from './directory.service.js';

const FreshnessSchema = Type.Union([Type.Literal('valid'), Type.Literal('expiring'), Type.Literal('stale'), Type.Literal('expired')]);
const ListingSchema = Type.Object({
  entry: EntrySchema,
  own: Type.Boolean(),
  freshness: FreshnessSchema,
  received_at: Type.String(),
  signed_by: Type.Union([Type.String(), Type.Null()]),
});
const PublishedSchema = Type.Intersect([ListingSchema, Type.Object({ published_to: Type.Array(Type.String()) })]);
const QueryFields = {
  q: Type.Optional(Type.String({ maxLength: 200 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  kind: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{1,40}$' })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  freshness: Type.Optional(FreshnessSchema),
};

export function registerDirectoryRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'directory:read' as const } };
  const write = { access: { permission: 'directory:write' as const } };

  app.get(
    '/api/v1/directory',
    {
      config: read,
      schema: { tags: ['directory'], summary: 'Search the directory of points of contact (names in any language)', querystring: Type.Object(QueryFields, { additionalProperties: false }), response: { 200: Type.Array(ListingSchema), ...problemResponses } },
      // The body is UTF-8 bytes assembled from the stored JSON (see searchDirectoryJson) and
      // sent as they are; the schema documents it.
      serializerCompiler: () => (data) => (typeof data === 'string' ? data : JSON.stringify(data)),
    },
    async (req, reply) => reply.type('application/json; charset=utf-8').send(await searchDirectoryJson(ctx, req.query)),
  );

  app.get(
    '/api/v1/directory/export',
    {
      config: read,
      schema: {
        tags: ['directory'],
        summary: 'Export the directory as CSV (one line per contact, labels in the language asked: ?lang= or Accept-Language, default en) or JSON',
        querystring: Type.Object({ ...QueryFields, format: Type.Union([Type.Literal('csv'), Type.Literal('json')]), lang: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}$' })) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const { format, lang, ...query } = req.query;
      const body = await exportDirectory(ctx, query, format, labelLanguage(lang ?? languageFromAcceptLanguage(req.headers['accept-language'])));
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="accord-directory-${stamp}.${format}"`)
        .send(body);
    },
  );

  app.get(
    '/api/v1/directory/own',
    { config: read, schema: { tags: ['directory'], summary: "This node's entry (null before the first publication)", response: { 200: Type.Union([ListingSchema, Type.Null()]), ...problemResponses } } },
    () => getOwnEntry(ctx),
  );

  app.put(
    '/api/v1/directory/own',
    { config: write, schema: { tags: ['directory'], summary: "Save and publish this node's entry as a new signed version", body: EntryInputSchema, response: { 200: PublishedSchema, ...problemResponses } } },
    (req) => publishOwnEntry(ctx, actorOf(req), req.body),
  );

  app.post(
    '/api/v1/directory/own/confirm',
    {
      config: write,
      schema: { tags: ['directory'], summary: 'Re-confirm the entry unchanged for a new validity period', body: Type.Optional(Type.Object({ valid_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })) }, { additionalProperties: false })), response: { 200: PublishedSchema, ...problemResponses } },
    },
    (req) => confirmOwnEntry(ctx, actorOf(req), req.body?.valid_days),
  );

  app.get(
    '/api/v1/directory/nodes/:id',
    { config: read, schema: { tags: ['directory'], summary: "One node's entry, with freshness and signer", params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 63 }) }, { additionalProperties: false }), response: { 200: ListingSchema, ...problemResponses } } },
    (req) => getEntry(ctx, req.params.id),
  );
}
