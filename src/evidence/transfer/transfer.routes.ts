import { Type } from 'typebox';
import type { TypedApp } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { problemResponses, ProblemRef } from '../../http/schemas.js';
import { AttachmentParams, CaseParams } from '../evidence.schemas.js';
import { authenticatePeerRequest } from './peer-request.js';
import { TransferStateSchema } from './transfer.schemas.js';
import { serveChunk, serveChunkHashes, transferOf, transfersOfCase } from './transfer.service.js';

const PullParams = Type.Object({ attachmentId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }) }, { additionalProperties: false });
const ChunkParams = Type.Object({ attachmentId: PullParams.properties.attachmentId, index: Type.Integer({ minimum: 0, maximum: 2 ** 40 }) }, { additionalProperties: false });
const peerAnswers = { 401: ProblemRef, 403: ProblemRef, 404: ProblemRef, 409: ProblemRef, 410: ProblemRef, 500: ProblemRef };
const octets = { description: 'bytes', contentMediaType: 'application/octet-stream' };

/**
 * The pull side of evidence transfer, for the other party of the case only (a signed request,
 * peer-request.ts), and the transfer state of attachments for users.
 */
export function registerTransferRoutes(app: TypedApp, ctx: NodeContext): void {
  const tags = ['evidence'];
  const pub = { access: { public: true as const } };
  app.addSchema(TransferStateSchema);

  app.get(
    '/federation/v1/evidence/:attachmentId/hashes',
    { config: pub, schema: { tags: ['federation'], summary: 'The SHA-256 of every plaintext chunk of an offered attachment (32 bytes each), for the peer it was offered to; signed request', params: PullParams, response: { 200: Type.String(octets), ...peerAnswers } } },
    async (req, reply) => {
      const peer = await authenticatePeerRequest(ctx, 'GET', req.url, req.headers);
      const list = await serveChunkHashes(ctx, peer, req.params.attachmentId);
      return reply.type('application/octet-stream').header('content-length', list.length).send(list);
    },
  );

  app.get(
    '/federation/v1/evidence/:attachmentId/chunks/:index',
    { config: pub, schema: { tags: ['federation'], summary: 'One plaintext chunk of an offered attachment, decrypted and checked, within the peer\'s bandwidth; signed request', params: ChunkParams, response: { 200: Type.String(octets), ...peerAnswers } } },
    async (req, reply) => {
      const peer = await authenticatePeerRequest(ctx, 'GET', req.url, req.headers);
      const chunk = await serveChunk(ctx, peer, req.params.attachmentId, req.params.index);
      return reply.type('application/octet-stream').header('content-length', chunk.length).send(chunk);
    },
  );

  const read = { access: { permission: 'evidence:read' as const } };
  app.get(
    '/api/v1/cases/:id/transfers',
    { config: read, schema: { tags, summary: "Transfers of the case's attachments to and from the other party: offered, transferring (chunks done of chunks), received or failed (with why)", params: CaseParams, response: { 200: Type.Array(Type.Ref('EvidenceTransfer')), ...problemResponses } } },
    (req) => transfersOfCase(ctx, req.params.id),
  );
  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId/transfer',
    { config: read, schema: { tags, summary: "An attachment's transfer to or from the other party of the case", params: AttachmentParams, response: { 200: Type.Ref('EvidenceTransfer'), ...problemResponses } } },
    (req) => transferOf(ctx, req.params.id, req.params.attachmentId),
  );
}
