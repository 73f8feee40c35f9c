import type { FastifyRequest } from 'fastify';
import { actorOf, principalOf } from '../../auth/access.js';
import { roleMay } from '../../auth/roles.js';
import type { TypedApp } from '../../capability.js';
import type { NodeContext } from '../../context.js';
import { problemResponses } from '../../http/schemas.js';
import { NewReleaseSchema, ReceivedReleaseListSchema, ReleaseListSchema, ReleaseParams, ReleaseSchema } from './releases.schemas.js';
import { asSeenBy, createRelease, getRelease, listReleases, stopRelease } from './releases.service.js';
import type { Audience } from '../policy/release.policy.js';

const tags = ['intel'];

/** Releases of threat intelligence to peers and groups, and what arrived from peers' releases. */
export function registerReleaseRoutes(app: TypedApp, ctx: NodeContext): void {
  // The reader as the release policy sees them: RED ids only for its named recipients (intel:red).
  const reader = (req: FastifyRequest): Audience => ({ kind: 'user', redRecipient: roleMay(ctx.catalog.permissions, principalOf(req).user.role, 'intel:red') });
  const read = { access: { permission: 'intel:read' as const } };
  const release = { access: { permission: 'intel:release' as const } };
  app.addSchema(ReleaseSchema);

  app.post(
    '/api/v1/intel/releases',
    { config: release, schema: { tags, summary: 'Release objects (by type, id, or every new local one) to a peer or a group: they, their later versions and revocations go to it under the release policy', body: NewReleaseSchema, response: { 201: ReleaseSchema, ...problemResponses } } },
    async (req, reply) => reply.code(201).send((await asSeenBy(ctx.store.db, [await createRelease(ctx, actorOf(req), req.body)], reader(req)))[0]!),
  );

  app.get('/api/v1/intel/releases', { config: read, schema: { tags, summary: "This node's releases, newest first, with each peer's progress", response: { 200: ReleaseListSchema, ...problemResponses } } }, async (req) => ({ releases: await asSeenBy(ctx.store.db, await listReleases(ctx), reader(req)) }));

  app.get('/api/v1/intel/releases/:id', { config: read, schema: { tags, summary: 'A release and its progress to each peer', params: ReleaseParams, response: { 200: ReleaseSchema, ...problemResponses } } }, async (req) => (await asSeenBy(ctx.store.db, [await getRelease(ctx, req.params.id)], reader(req)))[0]!);

  app.post(
    '/api/v1/intel/releases/:id/stop',
    { config: release, schema: { tags, summary: 'Stop a release: nothing more is queued for it', params: ReleaseParams, response: { 200: ReleaseSchema, ...problemResponses } } },
    async (req) => (await asSeenBy(ctx.store.db, [await stopRelease(ctx, actorOf(req), req.params.id)], reader(req)))[0]!,
  );

  app.get(
    '/api/v1/intel/received-releases',
    { config: read, schema: { tags, summary: "Peers' releases received here: messages applied in order, held for a gap, objects stored and refused", response: { 200: ReceivedReleaseListSchema, ...problemResponses } } },
    async () => {
      const rows = await ctx.store.db.selectFrom('intel_received_releases').selectAll().orderBy('last_at', 'desc').limit(1000).execute();
      const held = await ctx.store.db.selectFrom('intel_held_messages').select(['from_node', 'release_id', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy(['from_node', 'release_id']).execute();
      const heldOf = new Map(held.map((h) => [`${h.from_node}\u0000${h.release_id}`, Number(h.n)]));
      return { received: rows.map((r) => ({ ...r, messages: r.next_rseq - 1, held: heldOf.get(`${r.from_node}\u0000${r.release_id}`) ?? 0 })) };
    },
  );
}
