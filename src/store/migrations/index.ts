import type { Migration } from 'kysely';
import * as m0001 from './20261128T120000-node-users-audit.js';
import * as m0002 from './20261128T170000-federation.js';
import * as m0003 from './20261128T180000-peer-key-history.js';
import * as m0010 from './20261129T030000-outbox-canonical.js';
import * as m0011 from './20261129T040000-outbox-pending-indexes.js';
import * as m0012 from './20261201T120000-jobs.js';
import * as m0013 from './20261201T140000-audit-checkpoints.js';
import * as m0014 from './20261201T143000-sign-in-hardening.js';

/**
 * The node's own migrations (users, audit, federation, jobs); each capability brings its own
 * in its descriptor. All are applied together in name order. Never edit one that has
 * shipped; add a new one.
 */
export const kernelMigrations: Record<string, Migration> = {
  '20261128T120000-node-users-audit': m0001,
  '20261128T170000-federation': m0002,
  '20261128T180000-peer-key-history': m0003,
  '20261129T030000-outbox-canonical': m0010,
  '20261129T040000-outbox-pending-indexes': m0011,
  '20261201T120000-jobs': m0012,
  '20261201T140000-audit-checkpoints': m0013,
  '20261201T143000-sign-in-hardening': m0014,
};
