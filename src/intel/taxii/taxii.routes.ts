import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { appendAudit } from '../../audit/audit.repository.js';
import { actorOf, principalOf } from '../../auth/access.js';
import { roleMay } from '../../auth/roles.js';
import type { TypedApp } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { ReleaseFilter, ReleaseRow } from '../intel.tables.js';
import { findRelease } from '../releases/releases.service.js';
import { DEFAULT_POLICY, type Audience } from '../policy/release.policy.js';
import { BundleFormatError } from '../store/bundle-stream.js';
import { deleteObjectVersions } from '../store/objects.repository.js';
import { taxiiObjectsPage, taxiiPage, type CollectionScope, type ReleaseScope, type TaxiiFilter, type TaxiiRow } from './taxii.query.js';
import { groupCollections, type GroupCollection } from './taxii.groups.js';
import { addObjects, findStatus, taxiiTime } from './taxii.status.js';

/**
 * A TAXII 2.1 server over the node's STIX store: discovery, one API root, its collections,
 * objects with paging and filters, manifest, an object and its versions; adds to the local
 * collection with status resources, and deletes there. Every answer passes the release policy
 * for the reader. Authentication: an API token, as Bearer or as the password of HTTP Basic
 * (what most TAXII clients send). Errors are TAXII error messages, not problem documents.
 *
 * Collections: everything the reader may see (read-only), the objects created or imported on
 * this node (`local`: holders of `intel:write` add, holders of `intel:delete` delete), one per
 * release of this node, one per group this node is a member of and one per peer's release
 * received here (read-only: each is a view over the store). A group's collection serves what
 * its members released to it (a sender that was not a member when its release came is left
 * out), and this node's own releases to it.
 *
 * The reader: a signed-in user reading over TAXII is `{ kind: 'taxii' }` to the release policy,
 * the narrower of the user's reach and the TAXII clients' (AMBER+STRICT and RED never leave over
 * TAXII, whoever reads).
 */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const ROOT = '/taxii2/api';
/** The collection of everything the reader may see. */
export const ALL_COLLECTION_ID = '3c1f7d0e-2b9a-4c55-8e61-5f0d6b7a9c21';
/** The collection of the objects created or imported on this node: the one clients add to. */
export const LOCAL_COLLECTION_ID = '7a4e2c19-5d3b-4f80-9a6e-1c2b3d4e5f60';
/** The largest envelope an add takes (advertised as the API root's max_content_length). */
export const MAX_CONTENT_LENGTH = 100 * 1024 * 1024;
const MAX_PAGE = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_PAGE = 100;
const tags = ['taxii'];
/** Collections of one kind listed at most (each kind is listed oldest first). */
const MAX_LISTED = 1000;
/** The UUIDv5 namespace of the collection ids of groups and received releases. */
export const COLLECTION_NAMESPACE = '5b0e7c3a-91d4-4f2e-8a6b-c1d2e3f4a5b6';

/** A name-based (version 5, SHA-1) UUID, RFC 9562 §5.5. */
export function uuidV5(namespace: string, name: string): string {
  const h = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The collection of a group this node is a member of: UUIDv5 of `group:<group id>`. */
export const groupCollectionId = (groupId: string) => uuidV5(COLLECTION_NAMESPACE, `group:${groupId}`);
/** The collection of a peer's release received here: UUIDv5 of `received:<peer node id>:<release id>`. */
export const receivedCollectionId = (fromNode: string, releaseId: string) => uuidV5(COLLECTION_NAMESPACE, `received:${fromNode}:${releaseId}`);

class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  constructor() {
    super(415, 'unsupported-media-type', 'Unsupported media type', `send the envelope as ${TAXII_MEDIA_TYPE}`);
  }
}

class ContentTooLargeError extends AppError {
  override name = 'ContentTooLargeError';
  constructor(extra: Record<string, unknown> = {}) {
    super(413, 'content-too-large', 'Content too large', `an envelope may take at most ${MAX_CONTENT_LENGTH} bytes (the API root's max_content_length)`, extra);
  }
}

class ReadOnlyCollectionError extends AppError {
  override name = 'ReadOnlyCollectionError';
  constructor(id: string) {
    super(403, 'collection-read-only', 'Collection is read-only', `collection ${id} takes no writes; add to the local collection ${LOCAL_COLLECTION_ID}`);
  }
}

/** The Content-Type is TAXII 2.1 (a version, when given, must be 2.1). */
function isTaxiiContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/taxii+json') return false;
  const version = params.find((p) => p.startsWith('version='));
  return !version || version === 'version=2.1';
}

/**
 * Passes the body on while counting its bytes; past the limit, stops the reader as an unreadable
 * envelope. The request stream is left open when reading stops early, so that the client gets
 * the answer (413, 400) rather than a reset connection.
 */
async function* limited(body: AsyncIterable<Uint8Array>, max: number, over: { exceeded: boolean }): AsyncGenerator<Uint8Array> {
  let n = 0;
  const chunks = body instanceof Readable ? body.iterator({ destroyOnReturn: false }) : body;
  for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
    n += chunk.length;
    if (n > max) {
      over.exceeded = true;
      throw new BundleFormatError(`the envelope is larger than max_content_length (${max} bytes)`, max);
    }
    yield chunk;
  }
}

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

/** A page's `next`: the last seq shown, as base64url text. */
const cursorOf = (seq: number): string => Buffer.from(String(seq)).toString('base64url');

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
  const write = { access: { permission: 'intel:write' as const }, ownTextChecks: true };
  const remove = { access: { permission: 'intel:delete' as const } };
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

    const mayWrite = (req: FastifyRequest) => roleMay(ctx.catalog.permissions, principalOf(req).user.role, 'intel:write');
    const local = (req: FastifyRequest) => ({ id: LOCAL_COLLECTION_ID, title: 'This node', description: 'The objects created or imported on this node; holders of intel:write add to it', can_read: true, can_write: mayWrite(req), media_types: [STIX_MEDIA_TYPE] });
    const all = { id: ALL_COLLECTION_ID, title: 'Everything you may see', description: "This node's threat intelligence, under its release policy for the reader", can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] };
    const ofRelease = (r: ReleaseRow) => ({ id: r.id, title: `Release: ${r.title}`, description: `The objects of the release ${r.title} (${r.state}) you may see`, can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] });
    const ofGroup = ({ group: g }: GroupCollection) => ({ id: groupCollectionId(g.id), title: `Group: ${g.name ?? g.id}`, description: `What was released to the group ${g.name ?? g.id}: by its members, as received here, and by this node, as the policy lets it reach a member; what you may see of it`, can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] });
    const ofReceived = (r: { from_node: string; release_id: string; title: string }) => ({ id: receivedCollectionId(r.from_node, r.release_id), title: `Received: ${r.title} (${r.from_node})`, description: `The objects received here in the release ${r.title} of ${r.from_node} you may see`, can_read: true, can_write: false, media_types: [STIX_MEDIA_TYPE] });
    const releaseScope = (r: ReleaseRow): ReleaseScope => ({ ...(JSON.parse(r.filter) as ReleaseFilter), from_seq: Number(r.from_seq) });
    /** The active groups this node is a member of, by its own record. */
    const myGroups = groupCollections(ctx, groupCollectionId);
    const receivedReleases = () => ctx.store.db.selectFrom('intel_received_releases').select(['from_node', 'release_id', 'title']).orderBy('first_at').orderBy('from_node').orderBy('release_id').limit(MAX_LISTED).execute();
    type Collection = { info: ReturnType<typeof ofRelease>; writable: boolean; scope: CollectionScope };
    /** A collection: everything, the local objects, one release's objects (its id is the release's), a group's, a received release's. */
    const collection = async (req: FastifyRequest, id: string): Promise<Collection> => {
      if (id === ALL_COLLECTION_ID) return { info: all, writable: false, scope: { kind: 'all' } };
      if (id === LOCAL_COLLECTION_ID) return { info: local(req), writable: true, scope: { kind: 'local' } };
      if (!UUID.test(id)) throw new NotFoundError(`no collection ${id}`);
      const r = await findRelease(ctx.store.db, id);
      if (r) return { info: ofRelease(r), writable: false, scope: { kind: 'release', release: releaseScope(r) } };
      const g = await myGroups.find(id);
      if (g) {
        const own = await ctx.store.db.selectFrom('intel_releases').selectAll().where('audience_kind', '=', 'group').where('audience_id', '=', g.group.id).execute();
        return { info: ofGroup(g), writable: false, scope: { kind: 'group', group_id: g.group.id, releases: own.map(releaseScope), senders: g.senders } };
      }
      const rr = (await receivedReleases()).find((x) => receivedCollectionId(x.from_node, x.release_id) === id);
      if (rr) return { info: ofReceived(rr), writable: false, scope: { kind: 'received', from: rr.from_node, release_id: rr.release_id } };
      throw new NotFoundError(`no collection ${id}`);
    };
    /** The reader over TAXII: the narrower of the user's reach and the TAXII clients' column. */
    const taxiiAudience = (req: FastifyRequest): Audience => ({ kind: 'taxii', redRecipient: roleMay(ctx.catalog.permissions, principalOf(req).user.role, 'intel:red') });
    const CollectionParams = Type.Object({ collection: Type.String({ maxLength: 64 }) });
    const ObjectParams = Type.Object({ collection: Type.String({ maxLength: 64 }), object: Type.String({ maxLength: 300 }) });
    const StatusParams = Type.Object({ status: Type.String({ maxLength: 64 }) });

    taxii.get('/taxii2/', { config: open, schema: { tags, summary: 'TAXII 2.1 discovery' } }, async () => ({
      title: `Accord node ${ctx.identity.node_id}`,
      description: 'TAXII 2.1 server of an Accord node',
      default: `${ROOT}/`,
      api_roots: [`${ROOT}/`],
    }));

    taxii.get(`${ROOT}/`, { config: read, schema: { tags, summary: 'TAXII 2.1 API root' } }, async () => ({
      title: 'Threat intelligence',
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: MAX_CONTENT_LENGTH,
    }));

    taxii.get(`${ROOT}/collections/`, { config: read, schema: { tags, summary: "TAXII 2.1 collections: everything you may see, this node's own objects (the one that takes adds), one per release of this node's, one per group it is a member of, one per peer's release received here" } }, async (req) => {
      const releases = await ctx.store.db.selectFrom('intel_releases').selectAll().orderBy('created_at').limit(MAX_LISTED).execute();
      const groups = (await myGroups.list()).slice(0, MAX_LISTED);
      return { collections: [all, local(req), ...releases.map(ofRelease), ...groups.map(ofGroup), ...(await receivedReleases()).map(ofReceived)] };
    });

    taxii.get(`${ROOT}/collections/:collection/`, { config: read, schema: { tags, summary: 'A TAXII 2.1 collection', params: CollectionParams } }, async (req) => (await collection(req, req.params.collection)).info);

    const page = async (req: FastifyRequest, extra: Partial<TaxiiFilter> = {}) => {
      const c = await collection(req, (req.params as { collection: string }).collection);
      const f = { ...filterOf(req.query as Record<string, unknown>), ...extra, scope: c.scope };
      const rows = await taxiiPage(ctx.store.db, taxiiAudience(req), policy, f);
      const more = rows.length > f.limit;
      const shown = rows.slice(0, f.limit);
      return { rows: shown, more, next: more ? cursorOf(shown[shown.length - 1]!.seq) : undefined };
    };

    /** An envelope built from the stored JSON texts, without parsing them again. */
    const envelope = (p: { rows: TaxiiRow[]; more: boolean; next?: string }) => `{"more":${p.more}${p.next ? `,"next":"${p.next}"` : ''},"objects":[${p.rows.map((r) => r.object).join(',')}]}`;

    taxii.get(`${ROOT}/collections/:collection/objects/`, { config: read, schema: { tags, summary: 'TAXII 2.1 objects of a collection, paged (limit, next) and filtered (added_after, match[id|type|version|spec_version])', params: CollectionParams } }, async (req, reply) => {
      const c = await collection(req, req.params.collection);
      const p = await taxiiObjectsPage(ctx.store, taxiiAudience(req), policy, { ...filterOf(req.query as Record<string, unknown>), scope: c.scope });
      reply.header('content-type', TAXII_MEDIA_TYPE);
      if (p.count === 0) return reply.send(Buffer.from('{"more":false}'));
      reply.header('X-TAXII-Date-Added-First', taxiiTime(p.firstAdded!));
      reply.header('X-TAXII-Date-Added-Last', taxiiTime(p.lastAdded!));
      // A buffer: fastify would rewrite the media type of a string (adding a charset).
      return reply.send(Buffer.from(`{"more":${p.more}${p.more ? `,"next":"${cursorOf(p.lastSeq)}"` : ''},"objects":[${p.objects}]}`));
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

    // An envelope is streamed into the store, never buffered (and not subject to the JSON body limit).
    taxii.addContentTypeParser('application/taxii+json', (_req, payload, done) => done(null, payload));

    /** Before the body is read: the collection takes writes, the media type is TAXII 2.1, the declared length fits. */
    const writeChecks = async (req: FastifyRequest) => {
      const c = await collection(req, (req.params as { collection: string }).collection);
      if (!c.writable) throw new ReadOnlyCollectionError(c.info.id);
      if (!isTaxiiContent(req.headers['content-type'])) throw new UnsupportedMediaTypeError();
      if (Number(req.headers['content-length']) > MAX_CONTENT_LENGTH) throw new ContentTooLargeError();
    };

    taxii.post(
      `${ROOT}/collections/:collection/objects/`,
      {
        config: write,
        onRequest: writeChecks,
        schema: { tags, summary: `Add objects to a TAXII 2.1 collection (an envelope {"objects":[…]} as ${TAXII_MEDIA_TYPE}): validated and stored as an import; 202 with a status resource naming each success and failure`, params: CollectionParams },
      },
      async (req, reply) => {
        const body = req.body as AsyncIterable<Uint8Array> | undefined;
        if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') throw new UnsupportedMediaTypeError();
        const length = Number(req.headers['content-length']);
        const over = { exceeded: false };
        const { status, summary } = await addObjects(ctx, actorOf(req), req.params.collection, limited(body, MAX_CONTENT_LENGTH, over), Number.isSafeInteger(length) ? length : undefined);
        if (over.exceeded) throw new ContentTooLargeError();
        if (summary.state === 'failed') throw new AppError(400, 'invalid-envelope', 'Not a readable TAXII envelope', `${summary.error ?? 'the envelope could not be read'}; what came before was stored, see status ${status.id}`);
        return reply.code(202).header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(JSON.stringify(status)));
      },
    );

    taxii.get(`${ROOT}/status/:status/`, { config: read, schema: { tags, summary: 'A TAXII 2.1 status resource: the outcome of an add (yours; holders of intel:red see every one)', params: StatusParams } }, async (req) => {
      const st = UUID.test(req.params.status) ? await ctx.store.db.selectFrom('intel_taxii_status').select('requested_by').where('id', '=', req.params.status).executeTakeFirst() : undefined;
      // Another user's add names objects this reader may not see: the same answer as none.
      const mine = st && (st.requested_by === actorOf(req).ref || roleMay(ctx.catalog.permissions, principalOf(req).user.role, 'intel:red'));
      const found = mine ? await findStatus(ctx.store.db, req.params.status) : undefined;
      if (!found) throw new NotFoundError(`no status ${req.params.status}`);
      return found;
    });

    taxii.delete(
      `${ROOT}/collections/:collection/objects/:object/`,
      { config: remove, schema: { tags, summary: 'Delete an object (every version, or those match[version] names) from a collection that takes writes', params: ObjectParams } },
      async (req, reply) => {
        const c = await collection(req, req.params.collection);
        if (!c.writable) throw new ReadOnlyCollectionError(c.info.id);
        const f = filterOf(req.query as Record<string, unknown>);
        const exact = f.versions?.filter((v) => v !== 'all' && v !== 'last' && v !== 'first');
        if (f.versions && exact?.length !== f.versions.length && !(f.versions.length === 1 && f.versions[0] === 'all')) throw new AppError(400, 'bad-request', 'Bad request', 'match[version]: name the versions to delete (timestamps), or all');
        // Only objects the reader may see: another one answers as one that does not exist.
        const visible = await taxiiPage(ctx.store.db, taxiiAudience(req), policy, { limit: 1, ids: [req.params.object], versions: ['all'], scope: { kind: 'local' }, ...(f.specVersions ? { specVersions: f.specVersions } : {}) });
        if (visible.length === 0) throw new NotFoundError(`no object ${req.params.object}`);
        const actor = actorOf(req);
        const deleted = await ctx.store.db.transaction().execute(async (trx) => {
          const n = await deleteObjectVersions(trx, req.params.object, 'local', exact?.length ? exact : undefined);
          if (n > 0) await appendAudit(trx, ctx.store.dialect, { actor: actor.ref, ip: actor.ip, action: 'intel.delete', target: `intel_object:${req.params.object}`, details: { versions: exact?.length ? exact : 'all', deleted: n } });
          return n;
        });
        if (deleted === 0) throw new NotFoundError(`no version ${exact?.join(', ') ?? ''} of ${req.params.object}`);
        return reply.code(200).header('content-type', TAXII_MEDIA_TYPE).send(Buffer.from(''));
      },
    );
  });
}
