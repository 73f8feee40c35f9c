import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import { registerNodeRoutes } from './node.routes.js';

/** The node itself: its identity and key, readable by every user. */
export const node: Capability = {
  name: 'node',
  permissions: { 'node:read': ALL_ROLES },
  routes: (app, ctx) => registerNodeRoutes(app, ctx),
  webPages: ['/'],
};
