import type { Capability } from '../capability.js';
import { CHECKPOINT_EVERY_MS, checkpointIfMoved } from './audit.checkpoints.js';
import { registerAuditRoutes } from './audit.routes.js';
import { AuditCheckpointType } from './checkpoints.messages.js';

/**
 * The hash-chained audit log; admins and auditors read and verify it. Its head is signed in
 * checkpoints that peers witness, so a rewritten or truncated chain is caught from outside.
 */
export const audit: Capability = {
  name: 'audit',
  permissions: { 'audit:read': ['admin', 'auditor'], 'audit:checkpoint': ['admin'] },
  tables: ['audit_log', 'audit_checkpoints', 'audit_witnessed'],
  messages: [AuditCheckpointType],
  routes: (app, ctx, deps) => registerAuditRoutes(app, ctx, deps),
  jobs: [
    {
      name: 'audit.checkpoint',
      everyMs: CHECKPOINT_EVERY_MS,
      run: async (ctx) => {
        await checkpointIfMoved(ctx);
      },
    },
  ],
  webPages: ['/audit'],
};
