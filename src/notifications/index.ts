import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261128T200000 from './migrations/20261128T200000-notifications.js';
import { NotificationKind } from './notifications.rules.js';
import { registerNotificationRoutes } from './notifications.routes.js';

/** E-mail and webhook notifications, by each user's preferences, from a durable queue. */
export const notifications: Capability = {
  name: 'notifications',
  permissions: {
    'notifications:own': ALL_ROLES,
    'notifications:all': ['admin', 'auditor'],
  },
  notificationKinds: [
    { kind: NotificationKind.caseDeadline, defaultChannel: 'none' },
    { kind: NotificationKind.test, defaultChannel: 'both' },
  ],
  tables: ['notifications', 'notification_preferences'],
  sealedColumns: [
    { table: 'notification_preferences', column: 'webhook_secret', rowKey: 'user_id' },
    { table: 'notifications', column: 'webhook_secret', rowKey: 'id' },
  ],
  migrations: { '20261128T200000-notifications': migration20261128T200000 },
  routes: (app, ctx) => registerNotificationRoutes(app, ctx),
  webPages: ['/notifications'],
};
