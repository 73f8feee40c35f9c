import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261201T200000 from './migrations/20261201T200000-cases.js';
import * as migration20261202T160000 from './migrations/20261202T160000-case-team.js';
import * as migration20261202T190000 from './migrations/20261202T190000-case-drafts-case-index.js';
import * as migration20261204T220000 from './migrations/20261204T220000-case-search.js';
import { casesDesk } from './cases.desk.js';
import { caseJobs } from './cases.jobs.js';
import { CaseEventType } from './cases.messages.js';
import { CaseNotification } from './cases.notify.js';
import { registerCaseRoutes } from './cases.routes.js';
import { registerCaseTeamRoutes } from './team.routes.js';

export { caseAccessOf, mayAccessCaseContent, requireCaseAccess } from './team.service.js';
export { caseVisibleSql, type Reader } from './team.repository.js';
export type { CaseAccess } from './team.rules.js';

/** Cooperation requests under the conventions: typed, replicated between the two parties, with deadlines. */
export const cases: Capability = {
  name: 'cases',
  permissions: {
    'cases:read': ALL_ROLES,
    'cases:write': ['admin', 'coordinator', 'officer'],
    'cases:approve': ['admin', 'coordinator'],
    // A case's team (team.rules.ts): who of this node's officers and analysts reach the case and its evidence.
    'cases:assign': ['admin', 'coordinator'],
  },
  notificationKinds: [
    { kind: CaseNotification.received, defaultChannel: 'email' },
    { kind: CaseNotification.unacknowledged, defaultChannel: 'email' },
    { kind: CaseNotification.preservationExpiring, defaultChannel: 'email' },
  ],
  tables: ['case_events', 'case_event_equivocations', 'cases', 'case_search', 'case_drafts', 'case_reminders', 'case_assignments'],
  migrations: { '20261201T200000-cases': migration20261201T200000, '20261202T160000-case-team': migration20261202T160000, '20261202T190000-case-drafts-case-index': migration20261202T190000, '20261204T220000-case-search': migration20261204T220000 },
  messages: [CaseEventType],
  routes: (app, ctx, deps) => {
    registerCaseRoutes(app, ctx, deps.onQueued);
    registerCaseTeamRoutes(app, ctx);
  },
  jobs: caseJobs,
  webPages: ['/cases'],
  desk: casesDesk,
};
