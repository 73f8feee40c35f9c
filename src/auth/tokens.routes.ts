import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf, principalOf } from '../auth/access.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { ApiTokenSchema, NewTokenBody } from './auth.schemas.js';
import { createToken, listTokens, revokeToken } from './tokens.service.js';

/** Each user manages their own API tokens; a token acts with its owner's role. */
export function registerTokenRoutes(app: TypedApp, ctx: NodeContext): void {
  const own = { access: { permission: 'self:manage' as const } };

  app.get('/api/v1/tokens', { config: own, schema: { tags: ['tokens'], summary: 'Your API tokens', response: { 200: Type.Array(ApiTokenSchema), ...problemResponses } } }, (req) =>
    listTokens(ctx, principalOf(req).user.id),
  );

  app.post(
    '/api/v1/tokens',
    { config: own, schema: { tags: ['tokens'], summary: 'Create an API token (shown once)', body: NewTokenBody, response: { 201: Type.Object({ token: Type.String(), record: ApiTokenSchema }), ...problemResponses } } },
    async (req, reply) => reply.status(201).send(await createToken(ctx, actorOf(req), principalOf(req).user.id, req.body)),
  );

  app.delete(
    '/api/v1/tokens/:id',
    { config: own, schema: { tags: ['tokens'], summary: 'Revoke one of your API tokens', params: IdParams, response: { 200: ApiTokenSchema, ...problemResponses } } },
    (req) => revokeToken(ctx, actorOf(req), req.params.id, principalOf(req).user.id),
  );
}
