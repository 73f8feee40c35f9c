import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/access.js';
import type { TypedApp } from '../capability.js';
import { caseAccessOf } from '../cases/index.js';
import type { Actor, NodeContext } from '../context.js';
import { AppError, ForbiddenError, invalidFields, NotFoundError } from '../errors.js';
import { problemResponses, ProblemRef } from '../http/schemas.js';
import {
  caseCustody,
  deleteContent,
  EvidenceTamperedError,
  listAttachments,
  openAttachmentPlaintext,
  reportTampered,
  setHold,
  verifyAttachment,
  verifyStore,
  viewAttachment,
} from './evidence.service.js';
import {
  AttachmentDetailSchema,
  AttachmentListSchema,
  AttachmentParams,
  AttachmentSchema,
  CaseParams,
  CustodyEntrySchema,
  CustodyListSchema,
  StoreVerificationSchema,
  TusCreateHeaders,
  TusPatchHeaders,
  UploadCreatedSchema,
  UploadParams,
  VerificationSchema,
} from './evidence.schemas.js';
import { ChunkTamperedError } from './storage/chunked-cipher.js';
import { appendToUpload, cancelUpload, createUpload, uploadOffset, type UploadMeta } from './uploads.service.js';

export const TUS_VERSION = '1.0.0';
export const TUS_CONTENT_TYPE = 'application/offset+octet-stream';
const tags = ['evidence'];

class TusVersionError extends AppError {
  override name = 'TusVersionError';
  constructor() {
    super(412, 'tus-version', 'Unsupported tus version', `send Tus-Resumable: ${TUS_VERSION}`);
  }
}

function requireTus(req: FastifyRequest): void {
  if (req.headers['tus-resumable'] !== TUS_VERSION) throw new TusVersionError();
}

function headerInt(req: FastifyRequest, name: string): number {
  const raw = req.headers[name];
  if (raw === undefined) throw invalidFields([{ in: 'headers', pointer: `/${name}`, code: 'required', message: `the ${name} header is required` }]);
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw invalidFields([{ in: 'headers', pointer: `/${name}`, code: 'pattern', pattern: '^\\d{1,16}$', message: 'must be a non-negative integer' }]);
  return Number(raw);
}

const META_KEYS = new Set(['filename', 'name', 'type', 'filetype', 'description', 'event_id']);

/** tus Upload-Metadata: `key base64value,key2 base64value2`; filename required. */
export function parseUploadMetadata(raw: string | undefined): UploadMeta {
  const m = new Map<string, string>();
  const bad = (key: string, code: string, message: string) => invalidFields([{ in: 'headers', pointer: `/upload-metadata/${key}`, code, message }]);
  for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value, extra] = pair.split(' ');
    if (!key || extra !== undefined || !/^[A-Za-z0-9+/=]*$/.test(value ?? '')) throw bad(key ?? '', 'invalid', 'each pair is a key and a base64 value');
    if (!META_KEYS.has(key)) continue;
    if (m.has(key)) throw bad(key, 'duplicate', 'given twice');
    const text = Buffer.from(value ?? '', 'base64').toString('utf8');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f\ufffd]/.test(text)) throw bad(key, 'invalid_characters', 'must be well-formed text without control characters');
    m.set(key, text);
  }
  const name = (m.get('filename') ?? m.get('name') ?? '').trim();
  if (!name) throw bad('filename', 'required', 'the file name (filename) is required');
  if (name.length > 255 || /[/\\]/.test(name)) throw bad('filename', 'invalid', 'a file name of at most 255 characters, without / or \\');
  const mediaType = (m.get('type') ?? m.get('filetype') ?? '').trim() || 'application/octet-stream';
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i.test(mediaType)) throw bad('type', 'pattern', 'a media type such as application/pdf');
  const description = (m.get('description') ?? '').trim();
  if (description.length > 4000) throw bad('description', 'too_long', 'at most 4000 characters');
  const eventId = m.get('event_id')?.trim() || null;
  if (eventId !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) throw bad('event_id', 'pattern', 'an event id (UUID)');
  return { name, mediaType: mediaType.toLowerCase(), description, eventId };
}

function tusHeaders(ctx: NodeContext, reply: FastifyReply): FastifyReply {
  return reply.header('tus-resumable', TUS_VERSION).header('tus-version', TUS_VERSION).header('tus-max-size', String(ctx.settings.evidenceMaxBytes)).header('tus-extension', 'creation,termination');
}

function downloadActor(req: FastifyRequest): Actor & { role: string } {
  return { ...actorOf(req), role: principalOf(req).user.role };
}

/**
 * The case team (src/cases/team.rules.ts): an officer or analyst outside a case's team gets the
 * answer an unknown case or attachment gets (404 naming `what`): to them the case does not exist.
 */
async function requireTeam(ctx: NodeContext, req: FastifyRequest, caseId: string, need: 'case' | 'attachments' | 'content', what: string): Promise<void> {
  if (!(await caseAccessOf(ctx, principalOf(req).user, caseId))[need]) throw new NotFoundError(what);
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Attachments of a case: resumable upload (tus 1.0 core, creation and termination), list,
 * metadata with custody, download (decrypted and checked chunk by chunk), verification,
 * legal hold and deletion under retention, and the case's custody log.
 */
export function registerEvidenceRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'evidence:read' as const } };
  const write = { access: { permission: 'evidence:write' as const } };
  const download = { access: { permission: 'evidence:download' as const } };
  const verify = { access: { permission: 'evidence:verify' as const } };
  const retain = { access: { permission: 'evidence:retain' as const } };
  app.addSchema(AttachmentSchema);
  app.addSchema(CustodyEntrySchema);
  // A PATCH body is streamed to the upload, never buffered (and not subject to the JSON body limit).
  app.addContentTypeParser(TUS_CONTENT_TYPE, (_req, payload, done) => done(null, payload));

  const uploads = '/api/v1/cases/:id/attachments/uploads';
  const tusErrorHeaders = { onSend: async (_req: FastifyRequest, reply: FastifyReply) => void tusHeaders(ctx, reply) };

  app.options(uploads, { config: { access: { public: true } }, schema: { tags, summary: 'tus discovery: version, extensions and the largest upload this node takes', params: CaseParams, response: { 204: Type.Null() } } }, async (_req, reply) =>
    tusHeaders(ctx, reply).status(204).send(),
  );

  app.post(
    uploads,
    { config: write, ...tusErrorHeaders, schema: { tags, summary: 'Start a resumable upload (tus creation): Upload-Length and Upload-Metadata (filename, type, description, event_id)', params: CaseParams, headers: TusCreateHeaders, response: { 201: UploadCreatedSchema, 412: ProblemRef, 413: ProblemRef, 429: ProblemRef, ...problemResponses } } },
    async (req, reply) => {
      requireTus(req);
      await requireTeam(ctx, req, req.params.id, 'attachments', `case ${req.params.id}`);
      if (req.headers['upload-defer-length'] !== undefined) throw invalidFields([{ in: 'headers', pointer: '/upload-defer-length', code: 'invalid', message: 'deferred length is not supported: send Upload-Length' }]);
      const length = headerInt(req, 'upload-length');
      const meta = parseUploadMetadata(req.headers['upload-metadata'] as string | undefined);
      const actor = actorOf(req);
      const u = await createUpload(ctx, actor, req.params.id, length, meta);
      const location = `/api/v1/cases/${req.params.id}/attachments/uploads/${u.id}`;
      let attachmentId: string | null = null;
      if (length === 0) attachmentId = (await appendToUpload(ctx, actor, req.params.id, u.id, 0, Readable.from([]))).completed?.attachment_id ?? null;
      return reply.status(201).header('location', location).header('upload-offset', '0').send({ id: u.id, location, offset: 0, length, attachment_id: attachmentId });
    },
  );

  app.head(
    `${uploads}/:uploadId`,
    { config: write, ...tusErrorHeaders, schema: { tags, summary: 'The offset of an upload (tus): resume from Upload-Offset', params: UploadParams, response: { 200: Type.Null(), 412: ProblemRef, ...problemResponses } } },
    async (req, reply) => {
      requireTus(req);
      await requireTeam(ctx, req, req.params.id, 'attachments', `upload ${req.params.uploadId}`);
      const s = await uploadOffset(ctx, actorOf(req), req.params.id, req.params.uploadId);
      return reply.status(200).header('upload-offset', String(s.offset)).header('upload-length', String(s.length)).header('cache-control', 'no-store').send();
    },
  );

  app.patch(
    `${uploads}/:uploadId`,
    {
      config: { ...write, ownTextChecks: true },
      ...tusErrorHeaders,
      schema: {
        tags,
        summary: 'Append bytes at Upload-Offset (tus, Content-Type application/offset+octet-stream); the last byte finishes the attachment',
        params: UploadParams,
        headers: TusPatchHeaders,
        response: { 204: Type.Null(), 412: ProblemRef, 413: ProblemRef, 415: ProblemRef, ...problemResponses },
      },
    },
    async (req, reply) => {
      requireTus(req);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== TUS_CONTENT_TYPE) throw new AppError(415, 'unsupported-media-type', 'Unsupported media type', `send the bytes as ${TUS_CONTENT_TYPE}`);
      const offset = headerInt(req, 'upload-offset');
      await requireTeam(ctx, req, req.params.id, 'attachments', `upload ${req.params.uploadId}`);
      const body = req.body as AsyncIterable<Buffer> | undefined;
      const r = await appendToUpload(ctx, actorOf(req), req.params.id, req.params.uploadId, offset, body ?? Readable.from([]));
      reply.header('upload-offset', String(r.offset));
      if (r.completed) reply.header('accord-attachment-id', r.completed.attachment_id).header('accord-attachment-sha256', r.completed.sha256);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    `${uploads}/:uploadId`,
    { config: write, ...tusErrorHeaders, schema: { tags, summary: 'Cancel an upload (tus termination): what was received is discarded', params: UploadParams, response: { 204: Type.Null(), 412: ProblemRef, ...problemResponses } } },
    async (req, reply) => {
      requireTus(req);
      await requireTeam(ctx, req, req.params.id, 'attachments', `upload ${req.params.uploadId}`);
      await cancelUpload(ctx, actorOf(req), req.params.id, req.params.uploadId);
      return reply.status(204).send(null);
    },
  );

  app.get('/api/v1/cases/:id/attachments', { config: read, schema: { tags, summary: "A case's attachments (deleted content keeps its row and hash)", params: CaseParams, response: { 200: AttachmentListSchema, ...problemResponses } } }, async (req) => {
    await requireTeam(ctx, req, req.params.id, 'case', `case ${req.params.id}`);
    return { attachments: await listAttachments(ctx, req.params.id) };
  });

  app.get('/api/v1/cases/:id/custody', { config: read, schema: { tags, summary: "The case's chain of custody on this node: signed entries, chained by seq and prev", params: CaseParams, response: { 200: CustodyListSchema, ...problemResponses } } }, async (req) => {
    await requireTeam(ctx, req, req.params.id, 'case', `case ${req.params.id}`);
    return { entries: await caseCustody(ctx, req.params.id) };
  });

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId',
    { config: read, schema: { tags, summary: 'One attachment and its custody entries (reading it is a custody entry, view)', params: AttachmentParams, response: { 200: AttachmentDetailSchema, ...problemResponses } } },
    async (req) => {
      await requireTeam(ctx, req, req.params.id, 'attachments', `attachment ${req.params.attachmentId}`);
      return viewAttachment(ctx, actorOf(req), req.params.id, req.params.attachmentId);
    },
  );

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId/content',
    {
      config: download,
      // After the access check: auditors verify but download only where the node allows it.
      onRequest: async (req: FastifyRequest) => {
        if (req.principal?.user.role === 'auditor' && !ctx.settings.evidenceAuditorsDownload) throw new ForbiddenError('auditors verify attachments but do not download their content on this node (evidenceAuditorsDownload)');
      },
      schema: {
        tags,
        summary: 'The file, decrypted and checked chunk by chunk as it streams (a custody entry, download); a chunk that does not verify ends the download with an error',
        params: AttachmentParams,
        response: { 200: Type.String({ description: 'the file', contentMediaType: 'application/octet-stream' }), 410: ProblemRef, 500: ProblemRef, ...problemResponses },
      },
    },
    async (req, reply) => {
      await requireTeam(ctx, req, req.params.id, 'content', `attachment ${req.params.attachmentId}`);
      const actor = downloadActor(req);
      const { attachment, stream } = await openAttachmentPlaintext(ctx, actor, req.params.id, req.params.attachmentId, { role: actor.role });
      let first: IteratorResult<Buffer>;
      try {
        first = await stream.next();
      } catch (e) {
        await reportTampered(ctx, actor, attachment, e);
        if (e instanceof ChunkTamperedError) throw new EvidenceTamperedError(attachment.sha256, e.message, { bad_chunk: e.chunk });
        throw e;
      }
      async function* body(): AsyncGenerator<Buffer> {
        if (!first.done) yield first.value;
        try {
          for await (const b of stream) yield b;
        } catch (e) {
          // Headers are sent: the connection is cut, so the client sees a short body, never a silent one.
          await reportTampered(ctx, actor, attachment, e).catch(() => {});
          req.log.error({ attachment: attachment.id, sha256: attachment.sha256, bad_chunk: e instanceof ChunkTamperedError ? e.chunk : undefined }, 'stored evidence does not verify');
          throw e;
        }
      }
      return reply
        .status(200)
        .type(attachment.media_type)
        .header('content-length', String(attachment.size))
        .header('content-disposition', contentDisposition(attachment.name))
        .header('repr-digest', `sha-256=:${Buffer.from(attachment.sha256, 'hex').toString('base64')}:`)
        .header('cache-control', 'no-store')
        .send(Readable.from(body()));
    },
  );

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId/verify',
    { config: verify, schema: { tags, summary: "Check an attachment's stored file: every chunk's tag and the whole hash; names each chunk that does not verify (audited)", params: AttachmentParams, response: { 200: VerificationSchema, 410: ProblemRef, ...problemResponses } } },
    (req) => verifyAttachment(ctx, actorOf(req), req.params.id, req.params.attachmentId),
  );

  app.post(
    '/api/v1/cases/:id/attachments/:attachmentId/hold',
    { config: retain, schema: { tags, summary: 'Put an attachment on legal hold: its content may not be deleted', params: AttachmentParams, response: { 200: Type.Ref('Attachment'), ...problemResponses } } },
    (req) => setHold(ctx, actorOf(req), req.params.id, req.params.attachmentId, true),
  );

  app.post(
    '/api/v1/cases/:id/attachments/:attachmentId/release',
    { config: retain, schema: { tags, summary: 'Release a legal hold', params: AttachmentParams, response: { 200: Type.Ref('Attachment'), ...problemResponses } } },
    (req) => setHold(ctx, actorOf(req), req.params.id, req.params.attachmentId, false),
  );

  app.delete(
    '/api/v1/cases/:id/attachments/:attachmentId',
    { config: retain, schema: { tags, summary: 'Delete the content under retention (the case must be over, the attachment not on hold); the row and hash stay', params: AttachmentParams, response: { 200: Type.Ref('Attachment'), ...problemResponses } } },
    (req) => deleteContent(ctx, actorOf(req), req.params.id, req.params.attachmentId),
  );

  app.get('/api/v1/evidence/verify', { config: verify, schema: { tags, summary: 'Check every stored file (admin, auditor): names each file and chunk that does not verify', response: { 200: StoreVerificationSchema, ...problemResponses } } }, (req) =>
    verifyStore(ctx, actorOf(req)),
  );
}
