import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf, principalOf } from '../auth/access.js';
import { roleMay } from '../auth/roles.js';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { AppError, NotFoundError } from '../errors.js';
import { problemResponses, ProblemRef } from '../http/schemas.js';
import type { Audience, PolicyOptions } from './policy/release.policy.js';
import { DEFAULT_POLICY, mayReach } from './policy/release.policy.js';
import { ExportQuery, ImportParams, IncomingSchema, ImportProgressSchema, ImportSummarySchema, ObjectListQuery, ObjectListSchema, ObjectParams, ObjectVersionsSchema, StoredObjectSchema } from './intel.schemas.js';
import { importBundle } from './store/import.service.js';
import { exportBundle } from './store/export.service.js';
import { incomingRefs, listObjects, objectVersions, type ObjectRow } from './store/objects.query.js';

export const STIX_MEDIA_TYPE = 'application/stix+json';
/** What an export answers: a STIX 2.1 bundle. */
export const STIX_BUNDLE_MEDIA_TYPE = 'application/stix+json;version=2.1';
const INCOMING_LIMIT = 200;
const tags = ['intel'];

/** The signed-in user as the release policy sees them: this organisation; RED only for its named recipients (intel:red). */
export function userAudience(ctx: NodeContext, req: FastifyRequest): Audience {
  return { kind: 'user', redRecipient: roleMay(ctx.catalog.permissions, principalOf(req).user.role, 'intel:red') };
}

function policyOf(_ctx: NodeContext): PolicyOptions {
  return DEFAULT_POLICY;
}

const view = (r: ObjectRow) => ({ id: r.id, version: r.version, type: r.type, tlp: r.tlp, origin: r.origin, source: r.source, revoked: r.revoked, date_added: r.date_added, object: r.object });

class NotABundleStreamError extends AppError {
  override name = 'NotABundleStreamError';
  constructor() {
    super(415, 'unsupported-media-type', 'Unsupported media type', `send the bundle as ${STIX_MEDIA_TYPE} (it is read as a stream)`);
  }
}

/** Threat intelligence in this node's STIX store: bundle imports with progress, objects and their versions, under the release policy. */
export function registerIntelRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'intel:read' as const } };
  const write = { access: { permission: 'intel:write' as const } };
  app.addSchema(StoredObjectSchema);
  // A bundle is streamed into the store, never buffered (and not subject to the JSON body limit).
  app.addContentTypeParser(STIX_MEDIA_TYPE, (_req, payload, done) => done(null, payload));

  app.post(
    '/api/v1/intel/imports',
    {
      config: { ...write, ownTextChecks: true },
      schema: {
        tags,
        summary: `Import a STIX 2.1 bundle (Content-Type ${STIX_MEDIA_TYPE}), streamed: good objects are stored even when others are refused, each refusal named`,
        response: { 200: ImportSummarySchema, 415: ProblemRef, ...problemResponses },
      },
    },
    async (req) => {
      const body = req.body as AsyncIterable<Uint8Array> | undefined;
      if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') throw new NotABundleStreamError();
      const length = Number(req.headers['content-length']);
      const s = await importBundle(ctx, actorOf(req), body, Number.isSafeInteger(length) ? { bytesTotal: length } : {});
      if (s.state === 'failed') throw new AppError(400, 'invalid-bundle', 'Not a readable STIX bundle', s.error ?? 'the bundle could not be read', { ...s });
      return s;
    },
  );

  app.get(
    '/api/v1/intel/imports/:id',
    { config: read, schema: { tags, summary: 'An import and its progress (bytes and objects read, stored, refused): yours; holders of intel:red see every one', params: ImportParams, response: { 200: ImportProgressSchema, ...problemResponses } } },
    async (req) => {
      const r = await ctx.store.db.selectFrom('intel_imports').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      // Its refusals name objects by id and quote them in their reasons, and a refused object's
      // marking was never taken in: it is read as the narrowest (RED). So an import is shown to
      // the user who sent it (they hold what they sent) and to readers the policy lets see RED;
      // to anyone else it answers as an unknown id (its id is in the audit log).
      const shown = r && (r.started_by === actorOf(req).ref || mayReach({ tlp: 'red', origin: 'local' }, userAudience(ctx, req), policyOf(ctx)).allowed);
      if (!r || !shown) throw new NotFoundError(`no import ${req.params.id}`);
      return { ...r, bytes_read: Number(r.bytes_read), bytes_total: r.bytes_total === null ? null : Number(r.bytes_total), refusals: JSON.parse(r.refusals) as [] };
    },
  );

  app.get(
    '/api/v1/intel/objects',
    { config: read, schema: { tags, summary: 'The newest version of each STIX object you may see, newest first; by type, TLP, origin and words', querystring: ObjectListQuery, response: { 200: ObjectListSchema, ...problemResponses } } },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await listObjects(ctx.store.db, userAudience(ctx, req), policyOf(ctx), { ...req.query, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { objects: page.map(view), next: rows.length > limit ? page[page.length - 1]!.seq : null };
    },
  );

  app.get(
    '/api/v1/intel/export',
    {
      config: read,
      schema: {
        tags,
        summary: `A STIX 2.1 bundle (${STIX_BUNDLE_MEDIA_TYPE}, as an attachment) of the objects you may see, by the filters of the list: the newest version of each, or every version (versions=all); streamed, audited`,
        querystring: ExportQuery,
        response: { 200: Type.String({ description: 'the bundle', contentMediaType: STIX_BUNDLE_MEDIA_TYPE }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const { count, text } = await exportBundle(ctx, actorOf(req), userAudience(ctx, req), policyOf(ctx), { ...req.query });
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .status(200)
        .type(STIX_BUNDLE_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="accord-intel-${stamp}.json"`)
        .header('cache-control', 'no-store')
        .header('x-object-count', String(count))
        .send(Readable.from(text));
    },
  );

  app.get(
    '/api/v1/intel/objects/:id/incoming',
    {
      config: read,
      schema: { tags, summary: `What points at one object: the relationships whose target_ref and the sightings whose sighting_of_ref it is, the newest version of each you may see (at most ${INCOMING_LIMIT}, newest first)`, params: ObjectParams, response: { 200: IncomingSchema, ...problemResponses } },
    },
    async (req) => {
      const audience = userAudience(ctx, req);
      // An object the reader may not see answers as one not held: its links would disclose it.
      const seen = await objectVersions(ctx.store.db, audience, policyOf(ctx), req.params.id);
      if (seen.length === 0) throw new NotFoundError(`no object ${req.params.id}`);
      const rows = await incomingRefs(ctx.store.db, audience, policyOf(ctx), req.params.id, INCOMING_LIMIT + 1);
      return { incoming: rows.slice(0, INCOMING_LIMIT).map(view), truncated: rows.length > INCOMING_LIMIT };
    },
  );

  app.get(
    '/api/v1/intel/objects/:id',
    { config: read, schema: { tags, summary: 'Every version of one STIX object you may see, oldest first', params: ObjectParams, response: { 200: ObjectVersionsSchema, ...problemResponses } } },
    async (req) => {
      const rows = await objectVersions(ctx.store.db, userAudience(ctx, req), policyOf(ctx), req.params.id);
      // Not held, or held under a marking the reader may not see: the same answer.
      if (rows.length === 0) throw new NotFoundError(`no object ${req.params.id}`);
      return { versions: rows.map(view) };
    },
  );
}
