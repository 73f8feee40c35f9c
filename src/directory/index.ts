import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import { directoryDesk } from './directory.desk.js';
import { directoryMessages } from './directory.messages.js';
import { DirectoryNotification } from './directory.rules.js';
import { directoryJobs } from './directory.jobs.js';
import { registerDirectoryRoutes } from './directory.routes.js';
import { registerPingTestRoutes } from './ping-tests.routes.js';
import * as m20261128T220000 from './migrations/20261128T220000-directory.js';
import * as m20261128T230000 from './migrations/20261128T230000-ping-tests.js';
import * as m20261129T010000 from './migrations/20261129T010000-ping-schedules.js';
import * as m20261129T020000 from './migrations/20261129T020000-directory-search.js';
import * as m20261201T150000 from './migrations/20261201T150000-ping-test-tokens.js';
import * as m20261201T170000 from './migrations/20261201T170000-directory-phone-search.js';

/** The 24/7 directory of points of contact, and ping tests that check the contacts answer. */
export const directory: Capability = {
  name: 'directory',
  permissions: {
    'directory:read': ALL_ROLES,
    'directory:write': ['admin', 'coordinator'],
    /** Answer a ping test: anyone who may stand duty. */
    'ping:answer': ['admin', 'coordinator', 'officer', 'analyst'],
  },
  notificationKinds: [
    { kind: DirectoryNotification.pingTestRequest, defaultChannel: 'email' },
    { kind: DirectoryNotification.pingTestEscalation, defaultChannel: 'email' },
    { kind: DirectoryNotification.pingTestResult, defaultChannel: 'email' },
    { kind: DirectoryNotification.expiring, defaultChannel: 'email' },
  ],
  tables: ['directory_entries', 'ping_tests', 'ping_test_tokens', 'ping_schedules'],
  migrations: {
    '20261128T220000-directory': m20261128T220000,
    '20261128T230000-ping-tests': m20261128T230000,
    '20261129T010000-ping-schedules': m20261129T010000,
    '20261129T020000-directory-search': m20261129T020000,
    '20261201T150000-ping-test-tokens': m20261201T150000,
    '20261201T170000-directory-phone-search': m20261201T170000,
  },
  messages: directoryMessages,
  routes: (app, ctx) => {
    registerDirectoryRoutes(app, ctx);
    registerPingTestRoutes(app, ctx);
  },
  jobs: directoryJobs,
  webPages: ['/directory'],
  desk: directoryDesk,
};
