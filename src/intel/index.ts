import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261202T030000 from './migrations/20261202T030000-intel.js';
import * as migration20261202T070000 from './migrations/20261202T070000-intel-releases.js';
import * as migration20261202T110000 from './migrations/20261202T110000-intel-taxii-status.js';
import * as migration20261202T160000 from './migrations/20261202T160000-intel-links.js';
import * as migration20261202T150000 from './migrations/20261202T150000-intel-feeds.js';
import * as migration20261202T190000 from './migrations/20261202T190000-intel-store-rowid.js';
import * as migration20261202T220000 from './migrations/20261202T220000-intel-received-rowid.js';
import * as migration20261203T100000 from './migrations/20261203T100000-intel-byte-order.js';
import { feedsDesk } from './feeds/feeds.desk.js';
import { followFeeds } from './feeds/feeds.jobs.js';
import { registerFeedRoutes } from './feeds/feeds.routes.js';
import { FEEDS_JOB } from './feeds/feeds.service.js';
import { registerIntelRoutes } from './intel.routes.js';
import { sendReleases } from './releases/releases.jobs.js';
import { IntelObjectsType } from './releases/releases.receive.js';
import { registerReleaseRoutes } from './releases/releases.routes.js';
import { intelReleaseRule } from './releases/releases.rules.js';
import { RELEASES_JOB } from './releases/releases.service.js';
import { registerTaxiiRoutes } from './taxii/taxii.routes.js';

/**
 * Threat intelligence: a STIX 2.1 store (stix/ validates, store/ keeps every version), marked
 * with TLP and released under one policy (policy/release.policy.ts) that every path asks:
 * releases to peers and groups (releases/), the outbox's release gate, the receiver, TAXII.
 * `intel:red` names the node's individual recipients of TLP:RED. `intel:write` adds objects
 * (imports, TAXII adds to the local collection); `intel:delete` removes them (TAXII delete).
 */
export const intel: Capability = {
  name: 'intel',
  permissions: {
    'intel:read': ALL_ROLES,
    'intel:write': ['admin', 'coordinator', 'officer', 'analyst'],
    'intel:red': ['admin', 'coordinator'],
    'intel:release': ['admin', 'coordinator'],
    'intel:delete': ['admin'],
  },
  tables: ['intel_objects', 'intel_imports', 'intel_releases', 'intel_release_peers', 'intel_received_releases', 'intel_held_messages', 'intel_taxii_status', 'intel_feeds', 'intel_links', 'intel_received_objects'],
  sealedColumns: [{ table: 'intel_feeds', column: 'secret', rowKey: 'id' }],
  migrations: { '20261202T030000-intel': migration20261202T030000, '20261202T070000-intel-releases': migration20261202T070000, '20261202T110000-intel-taxii-status': migration20261202T110000, '20261202T150000-intel-feeds': migration20261202T150000, '20261202T160000-intel-links': migration20261202T160000, '20261202T190000-intel-store-rowid': migration20261202T190000, '20261202T220000-intel-received-rowid': migration20261202T220000, '20261203T100000-intel-byte-order': migration20261203T100000 },
  messages: [IntelObjectsType],
  routes: (app, ctx) => {
    registerIntelRoutes(app, ctx);
    registerReleaseRoutes(app, ctx);
    registerTaxiiRoutes(app, ctx);
    registerFeedRoutes(app, ctx);
  },
  jobs: [
    { name: RELEASES_JOB, everyMs: 15_000, run: async (ctx, job) => void (await sendReleases(ctx, job)) },
    { name: FEEDS_JOB, everyMs: 60_000, run: (ctx, job) => followFeeds(ctx, job) },
  ],
  release: intelReleaseRule,
  desk: feedsDesk,
  webPages: ['/intelligence'],
};
