import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261202T030000 from './migrations/20261202T030000-intel.js';
import { registerIntelRoutes } from './intel.routes.js';
import { registerTaxiiRoutes } from './taxii/taxii.routes.js';

/**
 * Threat intelligence: a STIX 2.1 store (stix/ validates, store/ keeps every version), marked
 * with TLP and released under one policy (policy/release.policy.ts) that every path asks.
 * `intel:red` names the node's individual recipients of TLP:RED.
 */
export const intel: Capability = {
  name: 'intel',
  permissions: {
    'intel:read': ALL_ROLES,
    'intel:write': ['admin', 'coordinator', 'officer', 'analyst'],
    'intel:red': ['admin', 'coordinator'],
  },
  tables: ['intel_objects', 'intel_imports'],
  migrations: { '20261202T030000-intel': migration20261202T030000 },
  routes: (app, ctx) => {
    registerIntelRoutes(app, ctx);
    registerTaxiiRoutes(app, ctx);
  },
};
