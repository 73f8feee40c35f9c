import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261202T090000 from './migrations/20261202T090000-statements.js';
import { statementsDesk } from './statements.desk.js';
import { statementJobs } from './statements.jobs.js';
import { statementMessages } from './statements.messages.js';
import { registerStatementRoutes } from './statements.routes.js';

/** Joint statements and agreements: drafted together in several languages, adopted by a group's quorum, co-signed by every party's node. */
export const statements: Capability = {
  name: 'statements',
  permissions: {
    'statements:read': ALL_ROLES,
    'statements:write': ['admin', 'coordinator'],
    'statements:sign': ['admin', 'coordinator'],
  },
  tables: ['statement_events', 'statement_event_equivocations', 'statement_relays'],
  migrations: { '20261202T090000-statements': migration20261202T090000 },
  messages: statementMessages,
  routes: (app, ctx, deps) => registerStatementRoutes(app, ctx, deps.onQueued),
  jobs: statementJobs,
  webPages: ['/statements'],
  desk: statementsDesk,
};
