import type { Capability } from '../capability.js';
import { CatchUpType, KeyRotationType, NoticeType, PingType } from './builtin/builtin-types.js';
import { federationDesk } from './federation.desk.js';
import { registerFederationRoutes } from './federation.routes.js';
import * as transferBatches from './migrations/20261201T141500-transfer-batches.js';

/** Peers, signed envelopes, the outbox and inbox: the transport every capability sends through. */
export const federation: Capability = {
  name: 'federation',
  permissions: {
    'peers:read': ['admin', 'coordinator', 'auditor'],
    'peers:write': ['admin'],
  },
  tables: ['peers', 'outbox', 'inbox', 'receipts', 'seen_batches', 'notices', 'transfer_batches'],
  migrations: { '20261201T141500-transfer-batches': transferBatches },
  messages: [PingType, NoticeType, CatchUpType, KeyRotationType],
  routes: (app, ctx, deps) => registerFederationRoutes(app, ctx, deps.registry, deps.onQueued),
  webPages: ['/federation'],
  desk: federationDesk,
};
