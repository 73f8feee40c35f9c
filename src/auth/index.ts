import { ALL_ROLES } from './roles.js';
import type { Capability } from '../capability.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerTokenRoutes } from './tokens.routes.js';
import { registerUserRoutes } from './users.routes.js';

/** Users and roles, sessions, the second factor, API tokens. */
export const auth: Capability = {
  name: 'auth',
  permissions: {
    'self:manage': ALL_ROLES,
    'users:read': ['admin', 'auditor'],
    'users:write': ['admin'],
  },
  tables: ['users', 'sessions', 'api_tokens'],
  routes: (app, ctx) => {
    registerAuthRoutes(app, ctx);
    registerUserRoutes(app, ctx);
    registerTokenRoutes(app, ctx);
  },
  webPages: ['/account', '/users', '/tokens'],
};
