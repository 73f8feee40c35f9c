import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261202T080000 from './migrations/20261202T080000-plans.js';
import { plansDesk } from './plans.desk.js';
import { planJobs } from './plans.jobs.js';
import { planMessages } from './plans.messages.js';
import { registerPlanRoutes } from './plans.routes.js';

/** Regional plans of interaction: a group's items with owners, deadlines and the owners' status updates. */
export const plans: Capability = {
  name: 'plans',
  permissions: {
    'plans:read': ALL_ROLES,
    'plans:write': ['admin', 'coordinator', 'officer'],
  },
  tables: ['plan_events', 'plan_event_equivocations', 'plan_relays'],
  migrations: { '20261202T080000-plans': migration20261202T080000 },
  messages: planMessages,
  routes: (app, ctx, deps) => registerPlanRoutes(app, ctx, deps.onQueued),
  jobs: planJobs,
  webPages: ['/plans'],
  desk: plansDesk,
};
