import type { AuditTable } from '../audit/audit.table.js';
import type { ApiTokensTable, SessionsTable, UsersTable } from '../auth/auth.tables.js';
import type { NotificationPreferencesTable, NotificationsTable } from '../notifications/notifications.tables.js';
import type { GroupEventsTable } from '../groups/groups.tables.js';
import type { InboxTable, NoticesTable, OutboxTable, PeersTable, ReceiptsTable, SeenBatchesTable } from '../federation/federation.tables.js';

/** The whole database as one type: each capability contributes its own tables. */
import type { DirectoryEntriesTable } from '../directory/directory.tables.js';
import type { PingTestsTable } from '../directory/ping-tests.tables.js';
import type { PingSchedulesTable } from '../directory/ping-schedules.tables.js';

export interface Database {
  directory_entries: DirectoryEntriesTable;
  ping_tests: PingTestsTable;
  ping_schedules: PingSchedulesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditTable;
  peers: PeersTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  receipts: ReceiptsTable;
  seen_batches: SeenBatchesTable;
  notices: NoticesTable;
  group_events: GroupEventsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
}
