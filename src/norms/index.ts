import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as m20261202T073000 from './migrations/20261202T073000-norms.js';
import { deliverMissingVersions } from './norms.deliveries.service.js';
import { normsDesk } from './norms.desk.js';
import { normsMessages } from './norms.messages.js';
import { registerNormsRoutes } from './norms.routes.js';

/** The UN norms of responsible state behaviour: catalogue, national implementation reports, comparison. */
export const norms: Capability = {
  name: 'norms',
  permissions: {
    'norms:read': ALL_ROLES,
    'norms:write': ['admin', 'coordinator'],
  },
  tables: ['norms_drafts', 'norms_versions', 'norms_deliveries', 'norms_comments'],
  migrations: { '20261202T073000-norms': m20261202T073000 },
  messages: normsMessages,
  routes: (app, ctx, deps) => registerNormsRoutes(app, ctx, deps.onQueued),
  jobs: [
    {
      name: 'norms.deliver',
      everyMs: 10_000,
      run: async (ctx) => {
        await deliverMissingVersions(ctx);
      },
    },
  ],
  webPages: ['/norms'],
  desk: normsDesk,
};
