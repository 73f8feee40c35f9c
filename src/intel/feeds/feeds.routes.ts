import { Type } from 'typebox';
import { actorOf } from '../../auth/access.js';
import type { TypedApp } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { problemResponses } from '../../http/schemas.js';
import { runFeed } from './feeds.jobs.js';
import { FeedChangeSchema, FeedListSchema, FeedParams, FeedSchema, NewFeedSchema } from './feeds.schemas.js';
import { createFeed, deleteFeed, getFeed, listFeeds, updateFeed } from './feeds.service.js';

const tags = ['intel'];

/** Remote TAXII 2.1 feeds this node follows: read by every user, managed by those who release (intel:release). */
export function registerFeedRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'intel:read' as const } };
  const manage = { access: { permission: 'intel:release' as const } };
  app.addSchema(FeedSchema);

  app.get('/api/v1/intel/feeds', { config: read, schema: { tags, summary: 'The TAXII feeds this node follows, with their state (cursor, last run, last error) and counts', response: { 200: FeedListSchema, ...problemResponses } } }, async () => ({ feeds: await listFeeds(ctx) }));

  app.post(
    '/api/v1/intel/feeds',
    { config: manage, schema: { tags, summary: 'Follow a remote TAXII 2.1 collection: its objects arrive as received, marked with the default marking when they carry no TLP', body: NewFeedSchema, response: { 201: FeedSchema, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(await createFeed(ctx, actorOf(req), req.body)),
  );

  app.get('/api/v1/intel/feeds/:id', { config: read, schema: { tags, summary: 'A feed and its state', params: FeedParams, response: { 200: FeedSchema, ...problemResponses } } }, async (req) => getFeed(ctx, req.params.id));

  app.patch(
    '/api/v1/intel/feeds/:id',
    { config: manage, schema: { tags, summary: 'Change a feed (a new address or collection is followed from its beginning)', params: FeedParams, body: FeedChangeSchema, response: { 200: FeedSchema, ...problemResponses } } },
    async (req) => updateFeed(ctx, actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/v1/intel/feeds/:id',
    { config: manage, schema: { tags, summary: 'Stop following a feed (what it brought stays)', params: FeedParams, response: { 204: Type.Null(), ...problemResponses } } },
    async (req, reply) => {
      await deleteFeed(ctx, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/intel/feeds/:id/run',
    { config: manage, schema: { tags, summary: 'Read a feed now (up to 50 pages; the job goes on with the rest); answers the feed with its state after the run', params: FeedParams, response: { 200: FeedSchema, ...problemResponses } } },
    async (req) => {
      await runFeed(ctx, req.params.id, req.log);
      return getFeed(ctx, req.params.id);
    },
  );
}
