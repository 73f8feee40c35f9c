import { Type } from 'typebox';
import type { TypedApp } from '../capability.js';
import type { NodeContext } from '../context.js';
import { actorOf } from '../auth/access.js';
import { IdParams, problemResponses } from '../http/schemas.js';
import { NewUserBody, ResetBody, UserPatchBody, UserSchema, UserWithPassword } from './auth.schemas.js';
import { createUser, getUser, listUsers, resetUser, updateUser } from './users.service.js';

function withPassword<U>(r: { user: U; oneTimePassword?: string }): { user: U; one_time_password?: string } {
  return r.oneTimePassword ? { user: r.user, one_time_password: r.oneTimePassword } : { user: r.user };
}

export function registerUserRoutes(app: TypedApp, ctx: NodeContext): void {
  const read = { access: { permission: 'users:read' as const } };
  const write = { access: { permission: 'users:write' as const } };

  app.get('/api/v1/users', { config: read, schema: { tags: ['users'], summary: 'List users', response: { 200: Type.Array(UserSchema), ...problemResponses } } }, () => listUsers(ctx));

  app.get(
    '/api/v1/users/:id',
    { config: read, schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserSchema, ...problemResponses } } },
    (req) => getUser(ctx, req.params.id),
  );

  app.post(
    '/api/v1/users',
    { config: write, schema: { tags: ['users'], summary: 'Add a user; without a password a one-time password is returned', body: NewUserBody, response: { 201: UserWithPassword, ...problemResponses } } },
    async (req, reply) => reply.status(201).send(withPassword(await createUser(ctx, actorOf(req), req.body))),
  );

  app.patch(
    '/api/v1/users/:id',
    { config: write, schema: { tags: ['users'], summary: 'Change name, role, or disable', params: IdParams, body: UserPatchBody, response: { 200: UserSchema, ...problemResponses } } },
    (req) => updateUser(ctx, actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/api/v1/users/:id/reset',
    {
      config: write,
      // The body is optional; validate a request without one as {}.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: { tags: ['users'], summary: 'New one-time password, unlock, end sessions and revoke API tokens', params: IdParams, body: Type.Optional(ResetBody), response: { 200: UserWithPassword, ...problemResponses } },
    },
    async (req) => withPassword(await resetUser(ctx, actorOf(req), req.params.id, { resetTotp: req.body?.reset_totp })),
  );
}
