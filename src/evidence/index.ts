import { ALL_ROLES } from '../auth/roles.js';
import type { Capability } from '../capability.js';
import * as migration20261201T220000 from './migrations/20261201T220000-evidence.js';
import { registerEvidenceRoutes } from './evidence.routes.js';

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
  tables: ['evidence_files', 'evidence_attachments', 'evidence_uploads', 'evidence_custody'],
  migrations: { '20261201T220000-evidence': migration20261201T220000 },
  routes: (app, ctx) => registerEvidenceRoutes(app, ctx),
};
