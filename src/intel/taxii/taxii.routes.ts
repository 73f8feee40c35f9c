import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypedApp } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { AppError, NotFoundError } from '../../errors.js';
import { userAudience } from '../intel.routes.js';
import type { ReleaseFilter, ReleaseRow } from '../intel.tables.js';
import { findRelease } from '../releases/releases.service.js';
import { DEFAULT_POLICY } from '../policy/release.policy.js';
import { taxiiPage, type TaxiiFilter, type TaxiiRow } from './taxii.query.js';

/**
 * A TAXII 2.1 server (read side) over the node's STIX store: discovery, one API root, its
 * collections, objects with paging and filters, manifest, an object and its versions. Every
 * answer passes the release policy for the reader. Authentication: an API token, as Bearer or
 * as the password of HTTP Basic (what most TAXII clients send). Errors are TAXII error
 * messages, not problem documents.
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const ROOT = '/taxii2/api';
/** The collection of everything the reader may see. */
export const ALL_COLLECTION_ID = '3c1f7d0e-2b9a-4c55-8e61-5f0d6b7a9c21';
const MAX_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_PAGE = 100;
const tags = ['taxii'];

class NotAcceptableError extends AppError {
  override name = 'NotAcceptableError';
  constructor() {
    super(406, 'not-acceptable', 'Not acceptable', `this TAXII server answers ${TAXII_MEDIA_TYPE}`);
  }
}

/** The Accept header allows TAXII 2.1 (or anything). */
function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return !version || version === 'version=2.1';
  });
}

/** TAXII timestamps: RFC 3339 with microseconds. */
function taxiiTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}

function list(q: unknown): string[] | undefined {
  if (q === undefined) return undefined;
  return (Array.isArray(q) ? q : [q]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function filterOf(query: Record<string, unknown>): TaxiiFilter {
  const bad = (param: string, why: string) => new AppError(400, 'bad-request', 'Bad request', `${param}: ${why}`);
  const limitRaw = query.limit;
  let limit = DEFAULT_PAGE;
  if (limitRaw !== undefined) {
    limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1) throw bad('limit', 'a positive integer');
    limit = Math.min(limit, MAX_PAGE);
  }
  let after: number | undefined;
  if (query.next !== undefined) {
    after = Number(Buffer.from(String(query.next), 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(after) || after < 0) throw bad('next', 'not a cursor this server gave');
  }
  const addedAfter = query.added_after === undefined ? undefined : String(query.added_after);
  if (addedAfter !== undefined && !RFC3339.test(addedAfter)) throw bad('added_after', 'an RFC 3339 timestamp in UTC (…Z)');
  // Stored times have milliseconds: compare at that precision, rounding a finer time down.
  const added = addedAfter === undefined ? undefined : new Date(Date.parse(addedAfter)).toISOString();
  const versions = list(query['match[version]'])?.map((v) => (v === 'last' || v === 'first' || v === 'all' ? v : RFC3339.test(v) ? new Date(Date.parse(v)).toISOString() : (() => { throw bad('match[version]', `${v} is not last, first, all or a timestamp`); })()));
  return { limit, after, addedAfter: added, ids: list(query['match[id]']), types: list(query['match[type]']), versions, specVersions: list(query['match[spec_version]']) };
}

function pageHeaders(reply: FastifyReply, rows: TaxiiRow[]): void {
  if (rows.length === 0) return;
  reply.header('X-TAXII-Date-Added-First', taxiiTime(rows[0]!.date_added));
  reply.header('X-TAXII-Date-Added-Last', taxiiTime(rows[rows.length - 1]!.date_added));
}

/** The TAXII error message for a problem document the app produced. */
function toTaxiiError(payload: string): string {
  try {
    const p = JSON.parse(payload) as { title?: string; detail?: string; status?: number; type?: string };
    return JSON.stringify({ title: p.title ?? 'Error', description: p.detail, error_code: p.type, http_status: String(p.status ?? '') });
  } catch {
    return payload;
  }
}

export function registerTaxiiRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'intel:read' as const } };
  const open = { access: { public: true as const } };
  const policy = DEFAULT_POLICY;

  app.register(async (taxii: TypedApp) => {
    taxii.addHook('onRequest', async (req) => {
      if (!acceptsTaxii(req.headers.accept)) throw new NotAcceptableError();
    });
    taxii.addHook('onSend', async (_req, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('application/problem+json')) {
        reply.header('content-type', TAXII_MEDIA_TYPE);
        return typeof payload === 'string' ? Buffer.from(toTaxiiError(payload)) : payload;
      }
      if (type.startsWith('application/json')) reply.header('content-type', TAXII_MEDIA_TYPE);
      return payload;
    });

    const all = { id: ALL_COLLECTION_ID, title: 'Everything you may see', description: "This node's threat intelligence, under its release policy for the reader", can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] };
    const ofRelease = (r: ReleaseRow) => ({ id: r.id, title: `Release: ${r.title}`, description: `The objects of the release ${r.title} (${r.state}) you may see`, can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] });
    /** A collection: everything, or one release's objects (its id is the release's). */
    const collection = async (id: string) => {
      if (id === ALL_COLLECTION_ID) return { info: all, release: undefined };
      const r = UUID.test(id) ? await findRelease(ctx.store.db, id) : undefined;
      if (!r) throw new NotFoundError(`no collection ${id}`);
      return { info: ofRelease(r), release: { ...(JSON.parse(r.filter) as ReleaseFilter), from_seq: Number(r.from_seq) } };
    };
    const CollectionParams = Type.Object({ collection: Type.String({ maxLength: 64 }) });
    const ObjectParams = Type.Object({ collection: Type.String({ maxLength: 64 }), object: Type.String({ maxLength: 300 }) });

    taxii.get('/taxii2/', { config: open, schema: { tags, summary: 'TAXII 2.1 discovery' } }, async () => ({
      title: `Accord node ${ctx.identity.node_id}`,
      description: 'TAXII 2.1 server of an Accord node',
      default: `${ROOT}/`,
      api_roots: [`${ROOT}/`],
    }));

    taxii.get(`${ROOT}/`, { config: read, schema: { tags, summary: 'TAXII 2.1 API root' } }, async () => ({
      title: 'Threat intelligence',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: 100 * 1024 * 1024,
    }));

    taxii.get(`${ROOT}/collections/`, { config: read, schema: { tags, summary: "TAXII 2.1 collections: everything you may see, and one per release of this node's" } }, async () => {
      const releases = await ctx.store.db.selectFrom('intel_releases').selectAll().orderBy('created_at').limit(1000).execute();
      return { collections: [all, ...releases.map(ofRelease)] };
    });

    taxii.get(`${ROOT}/collections/:collection/`, { config: read, schema: { tags, summary: 'A TAXII 2.1 collection', params: CollectionParams } }, async (req) => (await collection(req.params.collection)).info);

    const page = async (req: FastifyRequest, extra: Partial<TaxiiFilter> = {}) => {
      const { release } = await collection((req.params as { collection: string }).collection);
      const f = { ...filterOf(req.query as Record<string, unknown>), ...extra, ...(release ? { release } : {}) };
      const rows = await taxiiPage(ctx.store.db, userAudience(ctx, req), policy, f);
      const more = rows.length > f.limit;
      const shown = rows.slice(0, f.limit);
      return { rows: shown, more, next: more ? Buffer.from(String(shown[shown.length - 1]!.seq)).toString('base64url') : undefined };
    };

    /** An envelope built from the stored JSON texts, without parsing them again. */
    const envelope = (p: { rows: TaxiiRow[]; more: boolean; next?: string }) => `{"more":${p.more}${p.next ? `,"next":"${p.next}"` : ''},"objects":[${p.rows.map((r) => r.object).join(',')}]}`;

    taxii.get(`${ROOT}/collections/:collection/objects/`, { config: read, schema: { tags, summary: 'TAXII 2.1 objects of a collection, paged (limit, next) and filtered (added_after, match[id|type|version|spec_version])', params: CollectionParams } }, async (req, reply) => {
      const p = await page(req);
      pageHeaders(reply, p.rows);
      return reply.header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(p.rows.length ? envelope(p) : '{"more":false}'));
    });

    taxii.get(`${ROOT}/collections/:collection/manifest/`, { config: read, schema: { tags, summary: 'TAXII 2.1 manifest of a collection', params: CollectionParams } }, async (req, reply) => {
      const p = await page(req);
      pageHeaders(reply, p.rows);
      if (p.rows.length === 0) return { more: false };
      return { more: p.more, ...(p.next ? { next: p.next } : {}), objects: p.rows.map((r) => ({ id: r.id, date_added: taxiiTime(r.date_added), version: r.version || taxiiTime(r.date_added), media_type: STIX_MEDIA_TYPE })) };
    });

    taxii.get(`${ROOT}/collections/:collection/objects/:object/`, { config: read, schema: { tags, summary: 'A TAXII 2.1 object by id (its last version unless match[version] says)', params: ObjectParams } }, async (req, reply) => {
      const p = await page(req, { ids: [req.params.object] });
      if (p.rows.length === 0 && !(req.query as Record<string, unknown>).next) throw new NotFoundError(`no object ${req.params.object}`);
      pageHeaders(reply, p.rows);
      return reply.header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(envelope(p)));
    });

    taxii.get(`${ROOT}/collections/:collection/objects/:object/versions/`, { config: read, schema: { tags, summary: 'The versions of a TAXII 2.1 object', params: ObjectParams } }, async (req, reply) => {
      const p = await page(req, { ids: [req.params.object], versions: ['all'] });
      if (p.rows.length === 0 && !(req.query as Record<string, unknown>).next) throw new NotFoundError(`no object ${req.params.object}`);
      pageHeaders(reply, p.rows);
      return { more: p.more, ...(p.next ? { next: p.next } : {}), versions: p.rows.map((r) => r.version || taxiiTime(r.date_added)) };
    });
  });
}
