import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261128T190000 from './migrations/20261128T190000-groups.js';
import * as migration20261201T160000 from './migrations/20261201T160000-group-events-by-author.js';
import { GroupConsentType, GroupConsentV2Type, GroupHistoryType, GroupProposalType, GroupRefusalType, GroupRefusalV2Type } from './groups.messages.js';
import { groupsDesk } from './groups.desk.js';
import { registerGroupRoutes } from './groups.routes.js';

/** Bilateral, regional and global groups whose membership changes by the members' consent. */
export const groups: Capability = {
  name: 'groups',
  permissions: {
    'groups:read': ALL_ROLES,
    'groups:write': ['admin', 'coordinator'],
  },
  tables: ['group_events', 'group_event_equivocations'],
  migrations: { '20261128T190000-groups': migration20261128T190000, '20261201T160000-group-events-by-author': migration20261201T160000 },
  messages: [GroupProposalType, GroupConsentType, GroupRefusalType, GroupConsentV2Type, GroupRefusalV2Type, GroupHistoryType],
  routes: (app, ctx, deps) => registerGroupRoutes(app, ctx, deps.onQueued),
  webPages: ['/groups'],
  desk: groupsDesk,
};
