import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf, principalOf } from '../auth/access.js';
import { InvalidInputError } from '../errors.js';
import { problemResponses } from '../http/schemas.js';
import { countUnacknowledgedNotices, listNotices } from './notices.repository.js';
import { decodeCursor, encodeCursor, NoticeDirection } from './notices.rules.js';
import { NoticeListQuery, NoticeListSchema, NoticeParams, NoticeReplyBody, NoticeSchema, NoticeThreadSchema } from './notices.schemas.js';
import { acknowledgeNotice, noticeWithThread, replyToNotice } from './notices.service.js';

/** Notices received from peers and sent to them: list, read a thread, acknowledge, reply. */
export function registerNoticeRoutes(app: TypedApp, ctx: NodeContext, onQueued: () => void): void {
  const read = { access: { permission: 'notices:read' as const } };
  const write = { access: { permission: 'notices:write' as const } };

  app.get(
    '/api/v1/notices',
    { config: read, schema: { tags: ['notices'], summary: 'Received (default) or sent notices, newest first; page with ?cursor=<next_cursor>', querystring: NoticeListQuery, response: { 200: NoticeListSchema, ...problemResponses } } },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const cursor = req.query.cursor === undefined ? null : decodeCursor(req.query.cursor);
      if (req.query.cursor !== undefined && !cursor) throw new InvalidInputError('cursor is not one this node gave out');
      const direction = req.query.direction ?? NoticeDirection.received;
      // One more than asked tells whether there is a next page.
      const rows = await listNotices(ctx.store.db, ctx.identity.node_id, { direction, state: req.query.state, limit: limit + 1, cursor });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        notices: page,
        next_cursor: rows.length > limit && last ? encodeCursor({ at: last.received_at, id: last.id }) : null,
        unacknowledged: await countUnacknowledgedNotices(ctx.store.db),
      };
    },
  );

  app.get(
    '/api/v1/notices/:id',
    { config: read, schema: { tags: ['notices'], summary: 'A notice with its thread (sent and received, oldest first)', params: NoticeParams, response: { 200: NoticeThreadSchema, ...problemResponses } } },
    (req) => noticeWithThread(ctx, req.params.id),
  );

  app.post(
    '/api/v1/notices/:id/ack',
    {
      config: write,
      schema: {
        tags: ['notices'],
        summary: 'Acknowledge a received notice; the signed acknowledgement goes back to its sender. Acknowledging again changes nothing.',
        params: NoticeParams,
        response: { 200: NoticeSchema, ...problemResponses },
      },
    },
    async (req) => {
      const { notice, already } = await acknowledgeNotice(ctx, actorOf(req), req.params.id, principalOf(req).user.display_name);
      if (!already) onQueued();
      return notice;
    },
  );

  app.post(
    '/api/v1/notices/:id/reply',
    {
      config: write,
      schema: { tags: ['notices'], summary: 'Send a notice answering this one to the other node of its thread', params: NoticeParams, body: NoticeReplyBody, response: { 202: NoticeSchema, ...problemResponses } },
    },
    async (req, reply) => {
      const sent = await replyToNotice(ctx, actorOf(req), req.params.id, req.body.subject, req.body.text);
      onQueued();
      return reply.status(202).send(sent);
    },
  );
}
