import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import { registerDeskRoutes } from './desk.routes.js';
import type { EventStreamOptions } from './event-stream.js';

/** The desk with its event streams tuned (tests shorten the heartbeat). */
export function deskCapability(streams: EventStreamOptions = {}): Capability {
  return {
    name: 'desk',
    permissions: { 'desk:read': ALL_ROLES },
    routes: (app, ctx) => registerDeskRoutes(app, ctx, streams),
  };
}

/**
 * The duty desk: what waits for the officer on watch, gathered from every capability's
 * `desk` member (docs/architecture.md), and the live event stream that keeps it current.
 * Its page is the web app's Overview (`/`, the node capability's page).
 */
export const desk: Capability = deskCapability();
