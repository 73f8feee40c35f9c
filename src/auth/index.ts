import { ALL_ROLES } from './roles.js';
import type { Capability } from '../capability.js';
import { registerAuthRoutes } from './auth.routes.js';
import { pruneSignInThrottle } from './sign-in-attempts.repository.js';
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
  tables: ['users', 'sessions', 'api_tokens', 'sign_in_throttle'],
  routes: (app, ctx) => {
    registerAuthRoutes(app, ctx);
    registerUserRoutes(app, ctx);
    registerTokenRoutes(app, ctx);
  },
  jobs: [
    {
      // Counts of failed sign-ins for unknown e-mails are forgotten after a quiet day, so junk
      // addresses do not pile up; a lock still running is kept.
      name: 'auth.prune-sign-in-throttle',
      everyMs: 3_600_000,
      run: async (ctx, job) => void (await pruneSignInThrottle(ctx.store.db, new Date(job.now.getTime() - 86_400_000))),
    },
  ],
  webPages: ['/account', '/users', '/tokens'],
};
