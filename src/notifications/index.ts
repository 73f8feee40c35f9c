import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261128T200000 from './migrations/20261128T200000-notifications.js';
import * as migration20261201T170000 from './migrations/20261201T170000-notification-smtp.js';
import { notificationResults } from './notifications.metrics.js';
import { NotificationKind } from './notifications.rules.js';
import { registerNotificationRoutes } from './notifications.routes.js';
import { registerSmtpRoutes } from './smtp-settings.routes.js';

/** E-mail and webhook notifications, by each user's preferences, from a durable queue. */
export const notifications: Capability = {
  name: 'notifications',
  permissions: {
    'notifications:own': ALL_ROLES,
    'notifications:all': ['admin', 'auditor'],
    /** The node's mail server: see, set, remove, send a test e-mail. */
    'notifications:smtp': ['admin'],
  },
  notificationKinds: [
    { kind: NotificationKind.caseDeadline, defaultChannel: 'none' },
    { kind: NotificationKind.test, defaultChannel: 'both' },
  ],
  tables: ['notifications', 'notification_preferences', 'notification_smtp'],
  sealedColumns: [
    { table: 'notification_preferences', column: 'webhook_secret', rowKey: 'user_id' },
    { table: 'notifications', column: 'webhook_secret', rowKey: 'id' },
    { table: 'notification_smtp', column: 'password', rowKey: 'id' },
  ],
  migrations: { '20261128T200000-notifications': migration20261128T200000, '20261201T170000-notification-smtp': migration20261201T170000 },
  routes: (app, ctx) => {
    registerNotificationRoutes(app, ctx);
    registerSmtpRoutes(app, ctx);
    notificationResults(ctx); // the family shows in /metrics before the first attempt
  },
  webPages: ['/notifications'],
};
