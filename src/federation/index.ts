import type { Capability } from '../capability.js';
import { CatchUpType, KeyRotationType, NoticeType, PingType } from './builtin/builtin-types.js';
import { federationDesk } from './federation.desk.js';
import { registerFederationRoutes } from './federation.routes.js';
import * as transferBatches from './migrations/20261201T141500-transfer-batches.js';
import * as noticeAcksThreads from './migrations/20261201T171500-notice-acks-threads.js';
import * as issuedReceipts from './migrations/20261202T150500-issued-receipts.js';
import { NoticeAckType } from './notices.messages.js';
import { registerNoticeRoutes } from './notices.routes.js';

/** Peers, signed envelopes, the outbox and inbox: the transport every capability sends through. */
export const federation: Capability = {
  name: 'federation',
  permissions: {
    'peers:read': ['admin', 'coordinator', 'auditor'],
    'peers:write': ['admin'],
    // Everyone reads the notices peers sent; those who act on them acknowledge and reply (auditors only read).
    'notices:read': ['admin', 'coordinator', 'officer', 'analyst', 'auditor'],
    'notices:write': ['admin', 'coordinator', 'officer', 'analyst'],
  },
  tables: ['peers', 'outbox', 'inbox', 'receipts', 'seen_batches', 'notices', 'transfer_batches', 'sent_notices', 'notice_acks', 'notice_threads', 'issued_receipts'],
  migrations: { '20261201T141500-transfer-batches': transferBatches, '20261201T171500-notice-acks-threads': noticeAcksThreads, '20261202T150500-issued-receipts': issuedReceipts },
  messages: [PingType, NoticeType, CatchUpType, KeyRotationType, NoticeAckType],
  routes: (app, ctx, deps) => {
    registerFederationRoutes(app, ctx, deps.registry, deps.onQueued);
    registerNoticeRoutes(app, ctx, deps.onQueued);
  },
  webPages: ['/federation', '/notices'],
  desk: federationDesk,
};
