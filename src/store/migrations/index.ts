import type { Migration } from 'kysely';
import * as m0001 from './20261128T120000-node-users-audit.js';
import * as m0002 from './20261128T170000-federation.js';
import * as m0003 from './20261128T180000-peer-key-history.js';
import * as m0004 from './20261128T190000-groups.js';
import * as m0005 from './20261128T200000-notifications.js';
import * as m0006 from './20261128T220000-directory.js';
import * as m0007 from './20261128T230000-ping-tests.js';
import * as m0008 from './20261129T010000-ping-schedules.js';
import * as m0009 from './20261129T020000-directory-search.js';
import * as m0010 from './20261129T030000-outbox-canonical.js';
import * as m0011 from './20261129T040000-outbox-pending-indexes.js';

/** Every migration, in order. Never edit one that has shipped; add a new one. */
export const migrations: Record<string, Migration> = {
  '20261128T120000-node-users-audit': m0001,
  '20261128T170000-federation': m0002,
  '20261128T180000-peer-key-history': m0003,
  '20261128T190000-groups': m0004,
  '20261128T200000-notifications': m0005,
  '20261128T220000-directory': m0006,
  '20261128T230000-ping-tests': m0007,
  '20261129T010000-ping-schedules': m0008,
  '20261129T020000-directory-search': m0009,
  '20261129T030000-outbox-canonical': m0010,
  '20261129T040000-outbox-pending-indexes': m0011,
};
