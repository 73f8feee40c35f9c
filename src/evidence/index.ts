import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261201T220000 from './migrations/20261201T220000-evidence.js';
import * as migration20261201T230000 from './migrations/20261201T230000-evidence-transfers.js';
import * as migration20261202T040000 from './migrations/20261202T040000-evidence-seen-requests.js';
import * as migration20261202T151000 from './migrations/20261202T151000-evidence-peer-lies.js';
import { registerBundleRoutes } from './bundle/bundle.routes.js';
import { evidenceDesk } from './evidence.desk.js';
import { evidenceStoreOf } from './storage/evidence-store.js';
import { registerEvidenceRoutes } from './evidence.routes.js';
import { transferJobs } from './transfer/transfer.jobs.js';
import { EvidenceOfferType, EvidenceReceivedType } from './transfer/transfer.messages.js';
import { registerTransferRoutes } from './transfer/transfer.routes.js';
import { rememberOnQueued } from './transfer/transfer.service.js';
import { fetchWhenOffersArrive } from './transfer/transfer.wake.js';

/**
 * Evidence: attachments of cases, uploaded resumably, encrypted at rest by content address,
 * with a signed chain of custody (docs/evidence.md). Auditors read metadata and custody and
 * verify the store; they download content only where the node allows it
 * (evidenceAuditorsDownload).
 */
export const evidence: Capability = {
  name: 'evidence',
  permissions: {
    'evidence:read': ALL_ROLES,
    'evidence:write': ['admin', 'coordinator', 'officer'],
    'evidence:download': ALL_ROLES,
    'evidence:verify': ['admin', 'auditor'],
    'evidence:retain': ['admin', 'coordinator'],
  },
  tables: ['evidence_files', 'evidence_attachments', 'evidence_uploads', 'evidence_custody', 'evidence_transfers', 'evidence_seen_requests', 'evidence_peer_lies'],
  migrations: { '20261201T220000-evidence': migration20261201T220000, '20261201T230000-evidence-transfers': migration20261201T230000, '20261202T040000-evidence-seen-requests': migration20261202T040000, '20261202T151000-evidence-peer-lies': migration20261202T151000 },
  // Attachments move to the other party of their case: offered through the outbox, pulled chunk by chunk (transfer/).
  messages: [EvidenceOfferType, EvidenceReceivedType],
  routes: (app, ctx, deps) => {
    registerEvidenceRoutes(app, ctx);
    registerBundleRoutes(app, ctx);
    registerTransferRoutes(app, ctx);
    rememberOnQueued(ctx, deps.onQueued);
    const stopWaking = fetchWhenOffersArrive(ctx);
    app.addHook('onClose', async () => stopWaking());
    // An S3 store that does not answer (wrong endpoint, no such bucket, refused key) stops the start, named.
    if (ctx.settings.evidenceS3Url) app.addHook('onReady', () => evidenceStoreOf(ctx.settings).check());
  },
  jobs: transferJobs,
  desk: evidenceDesk,
};
